#include "http/client_limit.hpp"

#include <mutex>
#include <unordered_map>

namespace gaggle {

struct ClientLimit::Counts {
    std::size_t cap;
    std::mutex mutex;
    std::unordered_map<std::string, std::size_t> by_address;
};

ClientLimit::ClientLimit(std::size_t per_client) : counts_(std::make_shared<Counts>())
{
    counts_->cap = per_client;
}

std::size_t ClientLimit::per_client() const noexcept { return counts_->cap; }

std::shared_ptr<void> ClientLimit::acquire(const std::string& address)
{
    {
        std::lock_guard lock(counts_->mutex);
        auto& n = counts_->by_address[address];
        if (n >= counts_->cap) {
            if (n == 0) counts_->by_address.erase(address);
            return nullptr;
        }
        ++n;
    }
    // The slot keeps the counts alive: it may be released after the server is gone. It points at
    // them only to be non-null (an empty shared_ptr means "refused").
    auto counts = counts_;
    return std::shared_ptr<void>(counts.get(), [counts, address](void*) {
        std::lock_guard lock(counts->mutex);
        auto it = counts->by_address.find(address);
        if (it != counts->by_address.end() && --it->second == 0) counts->by_address.erase(it);
    });
}

} // namespace gaggle
