// The pre-scan of SourceLimits.h: one pass over the text, skipping string literals and comments,
// so brackets inside them do not count.
#include "compiler/SourceLimits.h"

#include <algorithm>
#include <cctype>

namespace weft {

std::string checkSourceLimits(std::string_view text, const std::string &name) {
  if (text.size() > kMaxSourceBytes)
    return name + " has " + std::to_string(text.size()) + " bytes (limit: " + std::to_string(kMaxSourceBytes) +
           " bytes of IR)";
  int depth = 0, line = 1;
  auto at = [&](const std::string &what) { return name + ":" + std::to_string(line) + ": " + what; };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '"') { // a string literal: to its closing quote, past escapes
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
        else if (text[i] == '\n') ++line;
      }
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') { // a comment: to the line's end
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '(' || c == '[' || c == '{' || c == '<') {
      if (++depth > kMaxNesting)
        return at("brackets nest more than " + std::to_string(kMaxNesting) + " deep (limit of weft's IR parser)");
    } else if (c == ')' || c == ']' || c == '}' || (c == '>' && (i == 0 || text[i - 1] != '-'))) {
      depth = depth > 0 ? depth - 1 : 0; // a '>' of '->' closes nothing
    } else if (c == '%') { // an SSA name, then perhaps #N (a result number) or :N (a result count)
      size_t j = i + 1;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_' ||
                                 text[j] == '.' || text[j] == '$' || text[j] == '-'))
        ++j;
      if (j + 1 < text.size() && (text[j] == '#' || text[j] == ':') &&
          std::isdigit(static_cast<unsigned char>(text[j + 1]))) {
        int64_t n = 0;
        size_t k = j + 1;
        for (; k < text.size() && std::isdigit(static_cast<unsigned char>(text[k])); ++k)
          if ((n = n * 10 + (text[k] - '0')) > kMaxResultNumber)
            return at("result " + std::string(text[j] == '#' ? "number" : "count") + " in '" +
                      std::string(text.substr(i, std::min<size_t>(k - i + 1, 40))) + "...' is more than " +
                      std::to_string(kMaxResultNumber) + " (limit of weft's IR parser)");
        j = k;
      }
      i = j - 1;
    }
  }
  return "";
}

} // namespace weft
