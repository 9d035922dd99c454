// Escaping shared by the XML and HTML renderings.
#pragma once

#include <string>
#include <string_view>

namespace gatecheck::reports {

// Escapes &<>"' and drops characters XML 1.0 cannot carry (control characters other than tab, LF, CR).
std::string xml_escape(std::string_view text);
std::string format_seconds(double milliseconds);  // "1.234"

}  // namespace gatecheck::reports
