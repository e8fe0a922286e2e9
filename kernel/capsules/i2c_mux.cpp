#include "capsules/i2c_mux.hpp"

namespace capsules {

void MuxI2c::add(I2cDevice& device) {
    // Append, so round robin follows the order of set-up.
    I2cDevice** tail = &devices_;
    while (*tail != nullptr) {
        if (*tail == &device) return;
        tail = &(*tail)->next_;
    }
    *tail = &device;
}

void MuxI2c::request() {
    if (active_ == nullptr && !starting_) start_next();
}

hil::Status MuxI2c::start(I2cDevice& d) {
    master_.enable();
    switch (d.op_) {
        case I2cDevice::Op::kWrite:
            return master_.write(d.address_, d.buffer_, d.len_);
        case I2cDevice::Op::kRead:
            return master_.read(d.address_, d.buffer_, d.len_);
        case I2cDevice::Op::kWriteRead:
            return master_.write_read(d.address_, d.buffer_, d.len_, d.read_len_);
        case I2cDevice::Op::kNone:
            break;
    }
    return hil::ErrorCode::FAIL;
}

void MuxI2c::start_next() {
    starting_ = true;
    while (active_ == nullptr) {
        // The first device with a request after the one served last.
        I2cDevice* first = (last_served_ != nullptr && last_served_->next_ != nullptr)
                               ? last_served_->next_
                               : devices_;
        I2cDevice* pick = nullptr;
        for (I2cDevice* d = first; d != nullptr && pick == nullptr; d = d->next_) {
            if (d->op_ != I2cDevice::Op::kNone) pick = d;
        }
        for (I2cDevice* d = devices_; d != first && pick == nullptr; d = d->next_) {
            if (d->op_ != I2cDevice::Op::kNone) pick = d;
        }
        if (pick == nullptr) {
            master_.disable();
            break;
        }
        last_served_ = pick;
        active_ = pick;
        const hil::Status started = start(*pick);
        if (started.is_ok()) break;
        // The controller refused it: report to that device and look for the next request.
        active_ = nullptr;
        std::uint8_t* buffer = pick->buffer_;
        pick->op_ = I2cDevice::Op::kNone;
        if (pick->client_ != nullptr) pick->client_->command_complete(buffer, started);
    }
    starting_ = false;
}

void MuxI2c::command_complete(std::uint8_t* buffer, hil::Status status) {
    I2cDevice* done = active_;
    active_ = nullptr;
    if (done != nullptr) {
        done->op_ = I2cDevice::Op::kNone;
        if (done->client_ != nullptr) done->client_->command_complete(buffer, status);
    }
    request();
}

hil::Status I2cDevice::queue(Op op, std::uint8_t* buffer, std::size_t len, std::size_t read_len) {
    if (op_ != Op::kNone) return hil::ErrorCode::BUSY;
    if (buffer == nullptr || len == 0 || len > hil::kI2cMaxLength ||
        (op == Op::kWriteRead && (read_len == 0 || read_len > hil::kI2cMaxLength))) {
        return hil::ErrorCode::INVAL;
    }
    op_ = op;
    buffer_ = buffer;
    len_ = len;
    read_len_ = read_len;
    mux_.request();
    return hil::Status::ok();
}

hil::Status I2cDevice::write(std::uint8_t* data, std::size_t len) {
    return queue(Op::kWrite, data, len, 0);
}

hil::Status I2cDevice::read(std::uint8_t* buffer, std::size_t len) {
    return queue(Op::kRead, buffer, len, 0);
}

hil::Status I2cDevice::write_read(std::uint8_t* buffer, std::size_t write_len,
                                  std::size_t read_len) {
    return queue(Op::kWriteRead, buffer, write_len, read_len);
}

}  // namespace capsules
