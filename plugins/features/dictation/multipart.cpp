#include "multipart.hpp"

#include <random>

namespace gaggle::dictation {
namespace {

// A boundary long and random enough never to occur inside the audio by chance.
std::string make_boundary()
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, sizeof alphabet - 2);
    std::string b = "gaggle-dictation-";
    for (int i = 0; i < 32; ++i) b += alphabet[pick(rng)];
    return b;
}

// Field names and file names here are ours ("file", "model", "audio.webm"), never client text, so
// quoting needs no escaping; a quote or line break would still be dropped rather than break framing.
std::string quoted(const std::string& s)
{
    std::string out = "\"";
    for (char c : s)
        if (c != '"' && c != '\r' && c != '\n') out += c;
    return out + "\"";
}

} // namespace

MultipartBody build_multipart(const MultipartFile& file, const std::vector<std::pair<std::string, std::string>>& fields)
{
    const std::string boundary = make_boundary();
    MultipartBody m;
    m.content_type = "multipart/form-data; boundary=" + boundary;
    std::string& b = m.body;
    b.reserve(file.data.size() + 1024);
    b += "--" + boundary + "\r\n";
    b += "Content-Disposition: form-data; name=" + quoted(file.field) + "; filename=" + quoted(file.filename) + "\r\n";
    b += "Content-Type: " + file.mime_type + "\r\n\r\n";
    b.append(file.data);
    b += "\r\n";
    for (auto& [name, value] : fields) {
        b += "--" + boundary + "\r\n";
        b += "Content-Disposition: form-data; name=" + quoted(name) + "\r\n\r\n";
        b += value + "\r\n";
    }
    b += "--" + boundary + "--\r\n";
    return m;
}

} // namespace gaggle::dictation
