#pragma once
// Entropy HIL (Tock: kernel/src/hil/entropy.rs, Entropy32): a source of random 32-bit words.
#include <cstdint>

#include "hil/result.hpp"

namespace hil {

class EntropyClient {
  public:
    // One fresh word. Return true to receive another one, false to let the source stop.
    virtual bool entropy_available(std::uint32_t word, Status status) = 0;

  protected:
    ~EntropyClient() = default;
};

class Entropy32 {
  public:
    virtual void set_client(EntropyClient* client) = 0;
    // Starts producing words; they arrive one by one through the client.
    virtual Status get() = 0;
    virtual Status cancel() = 0;

  protected:
    ~Entropy32() = default;
};

}  // namespace hil
