# Writes a C++ source defining `std::string_view NAME` with the contents of INPUT, so that data
# files (the reply-code registry) stay data in the repository and still ship inside the binary.
# Usage: cmake -DINPUT=... -DOUTPUT=... -DNAMESPACE=... -DNAME=... -P embed_file.cmake
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
# Break the initialiser into lines of 16 bytes so compilers and editors stay comfortable.
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){16})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${INPUT}; do not edit.\n#include <string_view>\nnamespace ${NAMESPACE} {\nnamespace {\nconstexpr char data[${byte_count} + 1] = {\n${bytes}'\\0'};\n}\nextern const std::string_view ${NAME}{data, ${byte_count}};\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
