# cmake -DINPUT=FILE -DOUTPUT=FILE.cpp -DFUNCTION=NAME -P embed_file.cmake
# Writes a C++ file defining `std::string_view hpsweep::NAME()` over FILE's bytes.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by embed_file.cmake; do not edit.\n"
  "#include <string_view>\n\nnamespace hpsweep {\nnamespace {\n"
  "const char kBytes[] = {${bytes} '\\0'};\n}  // namespace\n\n"
  "std::string_view ${FUNCTION}() { return {kBytes, ${size}}; }\n\n}  // namespace hpsweep\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
