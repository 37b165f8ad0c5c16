#include "gaggle_providers/stream_runner.hpp"

#include <chrono>
#include <cstdio>
#include <optional>

namespace gaggle::providers {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string seconds_text(milliseconds ms)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
    return buf;
}

std::optional<milliseconds> retry_after_of(const Headers& headers)
{
    if (auto ms = find_header(headers, "retry-after-ms")) {
        if (auto d = parse_retry_after(*ms, std::chrono::system_clock::now())) return milliseconds(d->count() / 1000);
    }
    if (auto v = find_header(headers, "retry-after")) return parse_retry_after(*v, std::chrono::system_clock::now());
    return std::nullopt;
}

class Attempt {
public:
    Attempt(const sdk::Host& host, const StreamSettings& settings, const StreamCall& call, Emitter& out,
            const sdk::Cancel& cancel)
        : host_(host), settings_(settings), call_(call), out_(out), cancel_(cancel)
    {
    }

    // nullopt on success.
    std::optional<Failure> run()
    {
        HttpRequest request = call_.request;
        request.connect_timeout = settings_.connect_timeout;
        request.idle_timeout = settings_.idle_timeout; // the byte-level backstop: silence of any kind
        last_progress_ = Clock::now();
        HttpOutcome outcome;
        try {
            outcome = HttpClient(host_).perform(
                request, [this](int status, const Headers& headers) { return on_response(status, headers); },
                [this](std::string_view chunk) { return on_data(chunk); }, cancel_);
            if (watchdog_) return watchdog_;
            if (auto f = transport_failure(outcome)) return f;
            if (status_ < 200 || status_ >= 300) {
                Failure f = classify_http_error(status_, error_body_, call_.request.url);
                f.retry_after = retry_after_of(headers_);
                return f;
            }
            decoder_->finish();
            return std::nullopt;
        } catch (const ProviderError& e) {
            return e.failure();
        } catch (const sdk::Error& e) {
            return Failure{e.code(), e.what(), false, std::nullopt};
        } catch (const std::exception& e) {
            return Failure{GAGGLE_ERR_INTERNAL, e.what(), false, std::nullopt};
        }
    }

private:
    bool on_response(int status, const Headers& headers)
    {
        status_ = status;
        headers_ = headers;
        if (status >= 200 && status < 300) {
            context_ = std::make_unique<DecoderContext>(DecoderContext{out_, [this] { last_progress_ = Clock::now(); }});
            decoder_ = call_.make_decoder(*context_);
        }
        return true;
    }

    bool on_data(std::string_view chunk)
    {
        if (!decoder_) { // an error body: keep enough of it to read the message
            if (error_body_.size() < 64 * 1024) error_body_.append(chunk.substr(0, 64 * 1024 - error_body_.size()));
            return true;
        }
        decoder_->feed(chunk);
        // Bytes arrived, but only keep-alives since the last real data: the stream is stalled.
        if (Clock::now() - last_progress_ > settings_.idle_timeout) {
            watchdog_ = Failure{GAGGLE_ERR_TIMEOUT,
                                "the stream stalled: no data for " + seconds_text(settings_.idle_timeout) + " (only keep-alives)",
                                true, std::nullopt};
            return false;
        }
        return true;
    }

    std::optional<Failure> transport_failure(const HttpOutcome& outcome) const
    {
        switch (outcome.status) {
        case GAGGLE_OK: return std::nullopt;
        case GAGGLE_ERR_CANCELLED: return Failure{GAGGLE_ERR_CANCELLED, "cancelled", false, std::nullopt};
        case GAGGLE_ERR_TIMEOUT: return Failure{GAGGLE_ERR_TIMEOUT, outcome.message, true, std::nullopt};
        case GAGGLE_ERR_NETWORK: return Failure{GAGGLE_ERR_NETWORK, outcome.message, true, std::nullopt};
        default: return Failure{outcome.status, outcome.message, false, std::nullopt};
        }
    }

    const sdk::Host& host_;
    const StreamSettings& settings_;
    const StreamCall& call_;
    Emitter& out_;
    const sdk::Cancel& cancel_;
    int status_ = 0;
    Headers headers_;
    std::string error_body_;
    std::unique_ptr<DecoderContext> context_;
    std::unique_ptr<StreamDecoder> decoder_;
    Clock::time_point last_progress_;
    std::optional<Failure> watchdog_;
};

} // namespace

void run_stream(const sdk::Host& host, const StreamSettings& settings, const StreamCall& call, const sdk::EventSink& sink,
                const sdk::Cancel& cancel)
{
    Emitter out(sink);
    const int attempts = 1 + std::max(0, settings.retry.max_retries);
    for (int attempt = 1;; ++attempt) {
        if (cancel.cancelled()) throw sdk::Error(GAGGLE_ERR_CANCELLED, call.provider + ": cancelled");
        std::optional<Failure> failure = Attempt(host, settings, call, out, cancel).run();
        if (!failure) return;
        if (failure->code == GAGGLE_ERR_CANCELLED || cancel.cancelled())
            throw sdk::Error(GAGGLE_ERR_CANCELLED, call.provider + ": cancelled");
        const std::string message = call.provider + ": " + failure->message;
        // Once part of the answer reached the host a retry would repeat it, so the error stands.
        if (!failure->retryable || out.emitted() > 0 || attempt >= attempts) throw sdk::Error(failure->code, message);
        if (failure->retry_after && *failure->retry_after > settings.retry.max_retry_after)
            throw sdk::Error(failure->code, message + " (the server asked to wait " + seconds_text(*failure->retry_after) + ")");
        const milliseconds delay = backoff_delay(settings.retry, attempt - 1, failure->retry_after);
        host.info(message + "; retrying in " + seconds_text(delay) + " (attempt " + std::to_string(attempt + 1) + " of " +
                  std::to_string(attempts) + ")");
        if (!sleep_unless_cancelled(delay, cancel)) throw sdk::Error(GAGGLE_ERR_CANCELLED, call.provider + ": cancelled");
    }
}

void throw_malformed(std::string_view what, std::string_view data)
{
    throw ProviderError(GAGGLE_ERR_SERVER, "malformed stream chunk (" + std::string(what) + "): " + excerpt(data, 200));
}

} // namespace gaggle::providers
