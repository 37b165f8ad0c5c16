// secrets.yaml: a flat YAML map, readable by its owner only.
#include "common/error.hpp"
#include "config/atomic_file.hpp"
#include "config/config.hpp"
#include "config/secret_store.hpp"
#include "config/yaml_text_edit.hpp"

namespace gaggle {
namespace {

class FileSecretStore final : public SecretStore {
public:
    explicit FileSecretStore(std::filesystem::path file) : file_(std::move(file)) {}
    std::string name() const override { return file_.string(); }

    Json load() override
    {
        ConfigLoadReport report;
        Json values = read_yaml_map(file_.string(), report);
        // The parser's message can quote the line it choked on, which may hold a secret.
        if (!report.error.empty())
            throw Error(ErrorKind::unavailable, file_.string() + " does not parse (line " + std::to_string(report.line) + ")");
        return values;
    }

    void save(const Json& secrets) override { write_file_atomic(file_, yaml_document(secrets), 0600); }

private:
    std::filesystem::path file_;
};

} // namespace

std::unique_ptr<SecretStore> file_secret_store(std::filesystem::path file)
{
    return std::make_unique<FileSecretStore>(std::move(file));
}

} // namespace gaggle
