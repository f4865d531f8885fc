// Inside the store: a body that may throw DbException, as a Result (nothing throws past the API).
#pragma once

#include "store/store.h"

namespace kiosk::store {

class Connection;
class Transaction;

template <class T, class F>
Result<T> Guard(F&& body) {
    Result<T> r;
    try {
        r.value = body();
    } catch (const DbException& e) {
        r.error = e.error();
    }
    return r;
}

// Inside an open write transaction `t`: nullopt when `actor` may do `permission` (the machine's own
// actors always may; a "staff:<name>" actor when its account is active and its role allows it).
// Otherwise appends a "refused" audit row, commits `t` (so the refusal is on record) and returns
// the error the caller throws or reports; nothing else of the caller's happens.
std::optional<DbError> Refusal(Connection& db, Transaction& t, const std::string& actor, Permission permission,
                               const char* context);

// The clinic has a server and its outbox is on (Store::SetOutboxEnabled; store/outbox.cpp): a
// purge then keeps what was not sent yet.
bool OutboxIsOn(Connection& db, const char* context);

}  // namespace kiosk::store
