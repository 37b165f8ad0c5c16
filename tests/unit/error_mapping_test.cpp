#include "http/error_mapping.hpp"

#include <doctest/doctest.h>

using namespace gaggle;

TEST_CASE("every error kind maps to its status")
{
    CHECK(http_status_for(ErrorKind::invalid_argument) == 400);
    CHECK(http_status_for(ErrorKind::unauthorized) == 401);
    CHECK(http_status_for(ErrorKind::not_found) == 404);
    CHECK(http_status_for(ErrorKind::method_not_allowed) == 405);
    CHECK(http_status_for(ErrorKind::conflict) == 409);
    CHECK(http_status_for(ErrorKind::precondition) == 412);
    CHECK(http_status_for(ErrorKind::payload_too_large) == 413);
    CHECK(http_status_for(ErrorKind::unsupported_media) == 415);
    CHECK(http_status_for(ErrorKind::unprocessable) == 422);
    CHECK(http_status_for(ErrorKind::rate_limited) == 429);
    CHECK(http_status_for(ErrorKind::internal) == 500);
    CHECK(http_status_for(ErrorKind::bad_gateway) == 502);
    CHECK(http_status_for(ErrorKind::unavailable) == 503);
}

TEST_CASE("a relayed status maps back to its kind; one no kind answers is internal")
{
    for (ErrorKind kind : {ErrorKind::invalid_argument, ErrorKind::not_found, ErrorKind::conflict, ErrorKind::unprocessable,
                           ErrorKind::unavailable, ErrorKind::gateway_timeout})
        CHECK(error_kind_for_status(http_status_for(kind)) == kind);
    CHECK(error_kind_for_status(500) == ErrorKind::internal);
    CHECK(error_kind_for_status(418) == ErrorKind::internal);
    CHECK(error_kind_for_status(0) == ErrorKind::internal);
}
