// A result number that would make MLIR allocate 2^31 results (issue 13 item 4).
func.func @f() {
  %0:2 = "test.op"() : () -> (i32, i32)
  "test.use"(%0#2147483647) : (i32) -> ()
  return
}
