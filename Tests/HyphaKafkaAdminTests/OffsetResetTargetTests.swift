// SPDX-License-Identifier: Apache-2.0
import HyphaKafkaAdmin
import Testing

/// Where each `groups reset-offsets` mode puts a partition, without a broker:
/// the test broker keeps every message, so its low watermark is always 0, and it
/// answers a time past the newest message with a wrong offset instead of none.
@Suite("offset reset targets")
struct OffsetResetTargetTests {
    // A partition whose oldest kept message is 10 and whose next is 20; the group is at 15.
    private func new(_ target: OffsetResetTarget, current: Int64 = 15, atTime: Int64? = nil) -> Int64 {
        target.newOffset(current: current, low: 10, high: 20, atTime: atTime)
    }

    @Test("earliest and latest are the watermarks")
    func ends() {
        #expect(new(.earliest) == 10)
        #expect(new(.latest) == 20)
    }

    @Test("an offset is kept between the watermarks")
    func offset() {
        #expect(new(.offset(12)) == 12)
        #expect(new(.offset(3)) == 10)
        #expect(new(.offset(99)) == 20)
    }

    @Test("a shift moves from the committed offset, kept between the watermarks, and never overflows")
    func shift() {
        #expect(new(.shift(by: -3)) == 12)
        #expect(new(.shift(by: 4)) == 19)
        #expect(new(.shift(by: -9)) == 10)
        #expect(new(.shift(by: 9)) == 20)
        #expect(new(.shift(by: .max)) == 20)
        #expect(new(.shift(by: .min), current: -1) == 10)
        #expect(new(.shift(by: .max), current: 1) == 20)
    }

    @Test("a time goes to the broker's offset for it, else to the high watermark")
    func time() {
        let target = OffsetResetTarget.time(millis: 1_795_770_000_000)
        #expect(new(target, atTime: 17) == 17)
        #expect(new(target, atTime: 4) == 10)
        #expect(new(target, atTime: nil) == 20)
        #expect(new(target, atTime: -1) == 20)
    }
}
