#pragma once
// SAM4L TRNG (0x4006_8000, IRQ 73, sam4l.md §15.1): one 32-bit word per DATRDY interrupt.
// The clock (PBA bit 17) runs only while a client wants words.
#include <cstdint>

#include "hil/entropy.hpp"

namespace sam4l {

class Trng final : public hil::Entropy32 {
  public:
    static constexpr unsigned kIrq = 73;

    void set_client(hil::EntropyClient* client) override { client_ = client; }
    hil::Status get() override;
    hil::Status cancel() override;
    void handle_interrupt();

  private:
    void stop();

    hil::EntropyClient* client_ = nullptr;
    bool running_ = false;
};

}  // namespace sam4l
