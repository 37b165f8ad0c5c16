#include "recipe/deeplink.hpp"

#include "common/error.hpp"
#include "common/json_parse.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <sstream>

namespace gaggle {
namespace {

std::string base64_decode(std::string text)
{
    for (char& c : text) {
        if (c == '-') c = '+';
        if (c == '_') c = '/';
    }
    while (text.size() % 4) text += '=';
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string out((std::istreambuf_iterator<char>(decoder)), {});
    if (decoder.bad()) throw invalid_argument("recipe_deeplink is not valid base64");
    return out;
}

} // namespace

Json decode_recipe_deeplink(const std::string& link)
{
    std::string encoded = link;
    if (const auto at = link.find("config="); at != std::string::npos) {
        encoded = link.substr(at + 7);
        if (const auto amp = encoded.find('&'); amp != std::string::npos) encoded.resize(amp);
        std::string decoded;
        Poco::URI::decode(encoded, decoded);
        encoded = decoded;
    }
    Json recipe;
    try {
        recipe = parse_untrusted_json(base64_decode(encoded), "recipe_deeplink");
    } catch (const Poco::Exception&) {
        throw invalid_argument("recipe_deeplink is not valid base64");
    }
    if (!recipe.is_object() || !recipe.contains("title") || !recipe["title"].is_string())
        throw invalid_argument("recipe_deeplink does not hold a recipe with a title");
    return recipe;
}

} // namespace gaggle
