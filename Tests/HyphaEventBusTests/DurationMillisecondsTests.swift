// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HyphaEventBus

@Suite("librdkafka timeouts from durations")
struct DurationMillisecondsTests {
    @Test("a fraction of a second is kept, rounded up to whole milliseconds")
    func fractions() {
        #expect(Duration.milliseconds(1500).wholeMilliseconds == 1500)
        #expect(Duration.milliseconds(250).wholeMilliseconds == 250)
        #expect(Duration.microseconds(1).wholeMilliseconds == 1)
        #expect(Duration.microseconds(2_500).wholeMilliseconds == 3)
        #expect(Duration.seconds(10).wholeMilliseconds == 10_000)
    }

    @Test("never below 1 ms, never above Int32.max")
    func bounds() {
        #expect(Duration.zero.wholeMilliseconds == 1)
        #expect(Duration.seconds(-3).wholeMilliseconds == 1)
        #expect(Duration.seconds(Int64(Int32.max)).wholeMilliseconds == Int32.max)
    }
}
