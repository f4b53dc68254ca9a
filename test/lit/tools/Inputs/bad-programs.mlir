// weft.programs names a launch whose kernel the module lacks.
module attributes {weft.programs = {cat = "weft-program 1\nop concat\ninput f32 4\ninput f32 4\noutput f32 8\nlaunch missing 8/1\n"}} {
}
