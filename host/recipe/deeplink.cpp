#include "recipe/deeplink.hpp"

#include "common/error.hpp"
#include "common/json_parse.hpp"

#include "recipe/recipe_document.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
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
    }
    // Legacy links hold standard base64 that was then URL-encoded (%2B, %2F, %3D).
    if (encoded.find('%') != std::string::npos) {
        std::string decoded;
        try {
            Poco::URI::decode(encoded, decoded);
        } catch (const Poco::Exception&) {
            throw invalid_argument("recipe_deeplink is not valid base64");
        }
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

std::string encode_recipe_deeplink(const Json& recipe)
{
    std::ostringstream out;
    {
        Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        encoder.rdbuf()->setLineLength(0);
        encoder << recipe_in_field_order(recipe).dump();
        encoder.close();
    }
    return out.str();
}

} // namespace gaggle
