#include "http/sse.hpp"

namespace gaggle {

bool SseWriter::flush()
{
    out_.flush();
    return out_.good();
}

bool SseWriter::data(std::string_view json)
{
    out_ << "data: " << json << "\n\n";
    return flush();
}

bool SseWriter::event(std::string_view name, std::string_view json)
{
    out_ << "event: " << name << "\ndata: " << json << "\n\n";
    return flush();
}

bool SseWriter::with_id(std::uint64_t id, std::string_view json)
{
    out_ << "id: " << id << "\ndata: " << json << "\n\n";
    return flush();
}

bool SseWriter::comment(std::string_view text)
{
    out_ << ": " << text << "\n\n";
    return flush();
}

} // namespace gaggle
