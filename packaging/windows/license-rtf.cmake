# SPDX-License-Identifier: GPL-3.0-or-later
# Writes the licence as RTF for the MSI's licence page (CPACK_WIX_LICENSE_RTF), line for line in a
# monospaced font so the plain-text layout survives.
#   cmake -DINPUT=LICENSE -DOUTPUT=license.rtf -P license-rtf.cmake
if(NOT INPUT OR NOT OUTPUT)
    message(FATAL_ERROR "usage: cmake -DINPUT=LICENSE -DOUTPUT=license.rtf -P license-rtf.cmake")
endif()
file(READ "${INPUT}" text)
if(text MATCHES "[^\t\n\r -~]")
    message(FATAL_ERROR "${INPUT}: only printable ASCII can be written to the RTF as it is")
endif()
string(REPLACE "\r" "" text "${text}")
string(REPLACE "\\" "\\\\" text "${text}")
string(REPLACE "{" "\\{" text "${text}")
string(REPLACE "}" "\\}" text "${text}")
string(REPLACE "\t" "\\tab " text "${text}")
string(REPLACE "\n" "\\par\n" text "${text}")
file(WRITE "${OUTPUT}" "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fmodern Consolas;}}\\f0\\fs16\n${text}}\n")
