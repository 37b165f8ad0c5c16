// The OS keyring through libsecret (the Secret Service D-Bus API), holding what goose holds there:
// one item with attributes service=goose, username=secrets whose secret is a JSON object of every
// secret. goose (keyring-rs) also tags its item target=default; a lookup by service+username finds
// either writer's item.
#include "common/error.hpp"
#include "config/secret_store.hpp"

#include <libsecret/secret.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace gaggle {
namespace {

const SecretSchema* goose_schema()
{
    // DONT_MATCH_NAME: items written by other programs (goose) carry no xdg:schema of ours.
    static const SecretSchema schema = {"org.goose.Secrets",
                                        SECRET_SCHEMA_DONT_MATCH_NAME,
                                        {{"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                         {"username", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                         {"target", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                         {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
                                        0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
    return &schema;
}

std::string take_error(GError* error)
{
    std::string m = error && error->message ? error->message : "unknown error";
    if (error) g_error_free(error);
    return m;
}

class KeyringSecretStore final : public SecretStore {
public:
    std::string name() const override { return "keyring"; }

    Json load() override
    {
        std::lock_guard lock(mutex_);
        GError* error = nullptr;
        gchar* text = secret_password_lookup_sync(goose_schema(), nullptr, &error, "service", "goose", "username", "secrets", nullptr);
        if (error) throw Error(ErrorKind::unavailable, "keyring: " + take_error(error));
        if (!text) return Json::object();
        Json secrets;
        try {
            secrets = Json::parse(text);
        } catch (const Json::parse_error&) {
            secret_password_free(text);
            throw Error(ErrorKind::unavailable, "keyring: the goose/secrets item is not a JSON object");
        }
        secret_password_free(text);
        if (!secrets.is_object()) throw Error(ErrorKind::unavailable, "keyring: the goose/secrets item is not a JSON object");
        return secrets;
    }

    void save(const Json& secrets) override
    {
        std::lock_guard lock(mutex_);
        const std::string text = secrets.dump();
        GError* error = nullptr;
        // Drop every goose/secrets item first, so goose's item and ours never both exist with
        // different contents (CreateItem only replaces an item with exactly the same attributes).
        secret_password_clear_sync(goose_schema(), nullptr, &error, "service", "goose", "username", "secrets", nullptr);
        if (error) throw Error(ErrorKind::unavailable, "keyring: " + take_error(error));
        secret_password_store_sync(goose_schema(), SECRET_COLLECTION_DEFAULT, "goose secrets", text.c_str(), nullptr, &error,
                                   "service", "goose", "username", "secrets", "target", "default", nullptr);
        if (error) throw Error(ErrorKind::unavailable, "keyring: " + take_error(error));
    }

private:
    std::mutex mutex_;
};

bool set_and_not_false(const EnvLookup& env, const char* name)
{
    auto v = env(name);
    return v && *v != "0" && *v != "false" && *v != "FALSE" && *v != "False";
}

} // namespace

std::unique_ptr<SecretStore> keyring_secret_store() { return std::make_unique<KeyringSecretStore>(); }

std::unique_ptr<SecretStore> open_secret_store(const Paths& paths, const EnvLookup& env)
{
    auto file = file_secret_store(paths.secrets_file());
    if (set_and_not_false(env, "GOOSE_DISABLE_KEYRING")) return file;
    auto bus = env("DBUS_SESSION_BUS_ADDRESS");
    if (!bus || bus->empty()) {
        spdlog::info("no D-Bus session bus: secrets are kept in {}", file->name());
        return file;
    }
    auto keyring = keyring_secret_store();
    try {
        keyring->load();
        spdlog::info("secrets are kept in the OS keyring");
        return keyring;
    } catch (const Error& e) {
        spdlog::warn("the OS keyring is not usable ({}); secrets are kept in {}", e.what(), file->name());
        return file;
    }
}

} // namespace gaggle
