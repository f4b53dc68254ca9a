// The artifact file (weft/Artifact.h): a few header lines and length-prefixed sections.
#include "weft/Artifact.h"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace weft {

namespace {

void appendSection(std::string &out, const std::string &header, std::string_view bytes) {
  out += "section " + header + " " + std::to_string(bytes.size()) + "\n";
  out.append(bytes.data(), bytes.size());
  out += "\n";
}

/// Reads the artifact's lines and sections in order, naming the place of the first error.
class Reader {
public:
  explicit Reader(std::string_view bytes) : rest(bytes) {}

  /// The next line, without its newline; false at the end of the input.
  bool line(std::string_view &out) {
    ++lineNo; // counted even when missing: the error names the line that should be there
    if (rest.empty()) return false;
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return false; // every line ends in a newline: truncated
    out = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    return true;
  }

  /// `size` bytes and the newline after them. (`size + 1` would wrap for a size of 2^64 - 1 and
  /// read past the input: found by weft-fuzz-artifact.)
  bool bytes(size_t size, std::string_view &out) {
    if (size >= rest.size() || rest[size] != '\n') return false;
    out = rest.substr(0, size);
    rest.remove_prefix(size + 1);
    return true;
  }

  Status error(const std::string &what) const {
    return Status::error("artifact line " + std::to_string(lineNo) + ": " + what);
  }

private:
  std::string_view rest;
  int lineNo = 0;
};

/// Splits "a b c" at spaces.
std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at <= text.size()) {
    size_t sp = text.find(' ', at);
    if (sp == std::string_view::npos) sp = text.size();
    out.push_back(text.substr(at, sp - at));
    at = sp + 1;
  }
  return out;
}

bool parseSize(std::string_view text, size_t &out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

} // namespace

std::string artifactFileName(const std::string &function, const std::string &target) {
  return function + "." + target + ".weft";
}

std::string serializeArtifact(const Artifact &a) {
  std::string out = "weft-artifact " + std::to_string(kArtifactFormatVersion) + "\n";
  out += "function " + a.function + "\n";
  out += "target " + a.target + "\n";
  appendSection(out, "program", a.program.toText());
  if (!a.source.empty()) appendSection(out, "source", a.source);
  for (const KernelCode &k : a.kernels) {
    appendSection(out, "kernel " + k.entry + " source", k.source);
    appendSection(out, "kernel " + k.entry + " binary",
                  std::string_view(reinterpret_cast<const char *>(k.binary.data()), k.binary.size()));
  }
  out += "end\n";
  return out;
}

Result<Artifact> parseArtifact(std::string_view bytes) {
  Reader in(bytes);
  Artifact a;
  std::string_view line;
  const std::string header = "weft-artifact " + std::to_string(kArtifactFormatVersion);
  if (!in.line(line) || line.substr(0, 14) != "weft-artifact ")
    return in.error("not a weft artifact (expected '" + header + "')");
  if (line != header)
    return in.error("format '" + std::string(line) + "' is not the one this runtime reads ('" + header + "')");
  if (!in.line(line) || line.substr(0, 9) != "function " || line.size() == 9)
    return in.error("expected 'function NAME'");
  a.function = std::string(line.substr(9));
  if (!in.line(line) || line.substr(0, 7) != "target " || line.size() == 7)
    return in.error("expected 'target NAME'");
  a.target = std::string(line.substr(7));
  bool haveProgram = false;
  while (true) {
    if (!in.line(line)) return in.error("the file ends before 'end' (truncated)");
    if (line == "end") break;
    std::vector<std::string_view> w = words(line);
    size_t size = 0;
    if (w.size() < 3 || w[0] != "section" || !parseSize(w.back(), size))
      return in.error("expected 'section KIND ... BYTES' or 'end', not '" + std::string(line.substr(0, 80)) + "'");
    std::string_view body;
    if (!in.bytes(size, body))
      return in.error("section '" + std::string(line) + "' is cut short (truncated or corrupt)");
    if (w.size() == 3 && w[1] == "program") {
      if (std::string e = ProgramDesc::fromText(body, a.program); !e.empty())
        return in.error("the program section: " + e);
      haveProgram = true;
    } else if (w.size() == 3 && w[1] == "source") {
      a.source = std::string(body);
    } else if (w.size() == 5 && w[1] == "kernel" && (w[3] == "source" || w[3] == "binary")) {
      if (a.kernels.empty() || a.kernels.back().entry != w[2]) a.kernels.push_back({std::string(w[2]), {}, {}});
      if (w[3] == "source")
        a.kernels.back().source = std::string(body);
      else
        a.kernels.back().binary.assign(body.begin(), body.end());
    } else {
      return in.error("unknown section '" + std::string(line) + "'");
    }
  }
  if (!haveProgram) return in.error("the artifact has no program section");
  return a;
}

Status writeArtifact(const std::string &path, const Artifact &artifact) {
  // A unique temporary beside the target, so rename() replaces it atomically (same file system).
  std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." +
                    std::to_string(reinterpret_cast<uintptr_t>(&artifact));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    std::string bytes = serializeArtifact(artifact);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      return Status::error("cannot write artifact '" + path + "' (writing '" + tmp + "' failed)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::error("cannot write artifact '" + path + "' (rename from '" + tmp + "' failed)");
  }
  return Status();
}

Result<Artifact> readArtifact(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error("cannot read artifact '" + path + "'");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  Result<Artifact> a = parseArtifact(bytes.str());
  if (!a) return Status::error("artifact '" + path + "': " + a.message());
  return a;
}

} // namespace weft
