#pragma once
// Writing Server-Sent Events. Each call writes one complete event and flushes it, so the client
// sees it at once; a false return means the client is gone.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace gaggle {

class SseWriter {
public:
    explicit SseWriter(std::ostream& out) : out_(out) {}
    bool data(std::string_view json);                                  // data: json
    bool event(std::string_view name, std::string_view json);          // event: name / data: json
    bool with_id(std::uint64_t id, std::string_view json);             // id: n / data: json
    bool comment(std::string_view text);                               // : text
    bool good() const { return out_.good(); }

private:
    bool flush();
    std::ostream& out_;
};

} // namespace gaggle
