# Splits `weft-translate --weft-to-glsl` output into one .comp file per kernel, for glslc.
import os
import re
import sys

source, outdir = sys.argv[1], sys.argv[2]
os.makedirs(outdir, exist_ok=True)
parts = re.split(r"^// ---- kernel (\S+) .*----\n", open(source).read(), flags=re.M)
for name, text in zip(parts[1::2], parts[2::2]):
    with open(os.path.join(outdir, name + ".comp"), "w") as f:
        f.write(text)
