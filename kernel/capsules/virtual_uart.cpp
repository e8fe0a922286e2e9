#include "capsules/virtual_uart.hpp"

namespace capsules {

// ---- UartDevice ----

void UartDevice::setup() {
    mux_.add_device(*this);
}

hil::Status UartDevice::transmit_buffer(std::uint8_t* buffer, std::size_t length) {
    if (tx_buffer_ != nullptr) return kernel::ErrorCode::BUSY;
    if (buffer == nullptr || length == 0) return kernel::ErrorCode::SIZE;
    tx_buffer_ = buffer;
    tx_length_ = length;
    mux_.start_transmit();
    return hil::Status::ok();
}

hil::Status UartDevice::receive_buffer(std::uint8_t* buffer, std::size_t length) {
    if (rx_buffer_ != nullptr) return kernel::ErrorCode::BUSY;
    if (buffer == nullptr || length == 0) return kernel::ErrorCode::SIZE;
    rx_buffer_ = buffer;
    rx_length_ = length;
    rx_received_ = 0;
    rx_aborting_ = false;
    rx_listening_ = true;
    // Bytes that arrived since the last read come first.
    const std::size_t n = backlog_len_ < length ? backlog_len_ : length;
    for (std::size_t i = 0; i < n; ++i) buffer[i] = backlog_[i];
    for (std::size_t i = n; i < backlog_len_; ++i) backlog_[i - n] = backlog_[i];
    backlog_len_ -= n;
    rx_received_ = n;
    if (rx_received_ == rx_length_) {
        rx_ready_ = true;
        mux_.deferred_.set();
        return hil::Status::ok();
    }
    mux_.start_receive();
    return hil::Status::ok();
}

hil::Status UartDevice::receive_abort() {
    if (rx_buffer_ == nullptr) return kernel::ErrorCode::ALREADY;
    rx_aborting_ = true;
    mux_.deferred_.set();
    return hil::Status::ok();
}

// ---- MuxUart ----

hil::Status MuxUart::init(std::uint32_t baud_rate) {
    uart_.set_transmit_client(this);
    uart_.set_receive_client(this);
    hil::UartParameters params;
    params.baud_rate = baud_rate;
    const hil::Status status = uart_.configure(params);
    kernel::set_debug_output(this);
    return status;
}

void MuxUart::add_device(UartDevice& device) {
    if (device_count_ < kMaxDevices) devices_[device_count_++] = &device;
}

void MuxUart::debug_available() {
    // May be called from anywhere a kprintf happens, including our own callbacks: only note it.
    deferred_.set();
}

void MuxUart::handle_deferred_call() {
    for (unsigned i = 0; i < device_count_; ++i) {
        UartDevice& device = *devices_[i];
        if (device.rx_buffer_ != nullptr && device.rx_aborting_) {
            complete_receive(device, kernel::ErrorCode::CANCEL);
        } else if (device.rx_buffer_ != nullptr && device.rx_ready_) {
            complete_receive(device, hil::Status::ok());
        }
        if (device.tx_failed_) {
            device.tx_failed_ = false;
            std::uint8_t* buffer = device.tx_buffer_;
            const std::size_t length = device.tx_length_;
            device.tx_buffer_ = nullptr;
            if (device.tx_client_ != nullptr) {
                device.tx_client_->transmitted_buffer(buffer, length, device.tx_failure_);
            }
        }
    }
    if (rx_running_ && !any_receiver()) {
        // Nobody wants the bytes any more; the abort completes synchronously into
        // received_buffer(), which finds no receiver and drops them.
        uart_.receive_abort();
    }
    start_transmit();
    start_receive();
}

void MuxUart::start_transmit() {
    if (tx_device_ != nullptr || tx_debug_ || in_tx_callback_) return;
    const unsigned sources = device_count_ + 1;
    if (mid_line_ && sticky_chunks_ < kMaxStickyChunks && try_transmit_from(last_served_)) {
        ++sticky_chunks_;
        return;
    }
    for (unsigned step = 1; step <= sources; ++step) {
        const unsigned source = (last_served_ + step) % sources;
        if (try_transmit_from(source)) {
            sticky_chunks_ = 0;
            last_served_ = source;
            return;
        }
    }
}

void MuxUart::note_sent(const std::uint8_t* buffer, std::size_t length) {
    mid_line_ = length > 0 && buffer[length - 1] != '\n';
}

bool MuxUart::try_transmit_from(unsigned source) {
    if (source == device_count_) {
        const std::size_t n = kernel::debug_take(debug_buffer_, kDebugChunk);
        if (n == 0) return false;
        tx_debug_ = true;
        if (!uart_.transmit_buffer(debug_buffer_, n).is_ok()) tx_debug_ = false;
        if (tx_debug_) note_sent(debug_buffer_, n);
        return tx_debug_;
    }
    UartDevice& device = *devices_[source];
    if (device.tx_buffer_ == nullptr || device.tx_failed_) return false;
    tx_device_ = &device;
    const hil::Status status = uart_.transmit_buffer(device.tx_buffer_, device.tx_length_);
    if (!status.is_ok()) {
        tx_device_ = nullptr;
        device.tx_failed_ = true;
        device.tx_failure_ = status;
        deferred_.set();
        return false;
    }
    note_sent(device.tx_buffer_, device.tx_length_);
    return true;
}

void MuxUart::transmitted_buffer(std::uint8_t*, std::size_t, hil::Status status) {
    UartDevice* device = tx_device_;
    tx_device_ = nullptr;
    tx_debug_ = false;
    if (device != nullptr) {
        std::uint8_t* buffer = device->tx_buffer_;
        const std::size_t length = device->tx_length_;
        device->tx_buffer_ = nullptr;
        // Transmissions the client starts from its callback wait for their round-robin turn.
        in_tx_callback_ = true;
        if (device->tx_client_ != nullptr)
            device->tx_client_->transmitted_buffer(buffer, length, status);
        in_tx_callback_ = false;
    }
    start_transmit();
}

bool MuxUart::any_receiver() const {
    for (unsigned i = 0; i < device_count_; ++i) {
        const UartDevice& d = *devices_[i];
        if (d.rx_buffer_ != nullptr && !d.rx_aborting_ && !d.rx_ready_) return true;
    }
    return false;
}

void MuxUart::start_receive() {
    if (rx_running_ || in_rx_callback_) return;
    std::size_t want = kRxBufferSize;
    bool anyone = false;
    for (unsigned i = 0; i < device_count_; ++i) {
        const UartDevice& device = *devices_[i];
        if (device.rx_buffer_ == nullptr || device.rx_aborting_ || device.rx_ready_) continue;
        const std::size_t remaining = device.rx_length_ - device.rx_received_;
        if (remaining < want) want = remaining;
        anyone = true;
    }
    if (!anyone || want == 0) return;
    rx_running_ = uart_.receive_buffer(rx_buffer_, want).is_ok();
}

void MuxUart::received_buffer(std::uint8_t*, std::size_t length, hil::Status status) {
    rx_running_ = false;
    in_rx_callback_ = true;
    // CANCEL only comes from our own abort when nobody listens; FAIL is a line error that ends
    // every pending read.
    const bool line_error = !status.is_ok() && status.error() != kernel::ErrorCode::CANCEL;
    for (unsigned i = 0; i < device_count_; ++i) {
        UartDevice& device = *devices_[i];
        if (device.rx_buffer_ == nullptr || device.rx_aborting_ || device.rx_ready_) {
            if (device.rx_listening_ && !line_error) keep_in_backlog(device, 0, length);
            continue;
        }
        std::size_t n = device.rx_length_ - device.rx_received_;
        if (length < n) n = length;
        for (std::size_t k = 0; k < n; ++k)
            device.rx_buffer_[device.rx_received_ + k] = rx_buffer_[k];
        device.rx_received_ += n;
        // A device that joined while a longer chunk was running keeps the rest for its next read
        // (stored before completion, so a read re-armed from the callback finds it).
        if (!line_error && n < length) keep_in_backlog(device, n, length);
        if (line_error) {
            complete_receive(device, status);
        } else if (device.rx_received_ == device.rx_length_) {
            complete_receive(device, hil::Status::ok());
        }
    }
    in_rx_callback_ = false;
    start_receive();
}

void MuxUart::keep_in_backlog(UartDevice& device, std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && device.backlog_len_ < UartDevice::kBacklog; ++k) {
        device.backlog_[device.backlog_len_++] = rx_buffer_[k];
    }
}

void MuxUart::complete_receive(UartDevice& device, hil::Status status) {
    std::uint8_t* buffer = device.rx_buffer_;
    const std::size_t received = device.rx_received_;
    device.rx_buffer_ = nullptr;
    device.rx_aborting_ = false;
    device.rx_ready_ = false;
    if (device.rx_client_ != nullptr) device.rx_client_->received_buffer(buffer, received, status);
}

}  // namespace capsules
