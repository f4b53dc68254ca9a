# Writes OUT: one table entry per template file in FILES ('|'-separated, relative to SRC), each
# file's text as a C++ raw string literal. Run by templates/CMakeLists.txt at build time.
set(delim "weft_tpl")
set(body "// Generated from templates/ by Embed.cmake; do not edit.\n")
string(REPLACE "|" ";" files "${FILES}")
foreach(name IN LISTS files)
  file(READ "${SRC}/${name}" text)
  string(FIND "${text}" ")${delim}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "templates/${name} contains the raw-string delimiter ')${delim}\"'")
  endif()
  string(APPEND body "{\"${name}\", R\"${delim}(${text})${delim}\"},\n")
endforeach()
file(WRITE "${OUT}" "${body}")
