// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HyphaEventBus

@Suite("the circuit breaker")
struct CircuitBreakerTests {
    @Test("opens after three consecutive failures, backs off from 1 s doubling to 30 s, closes on success")
    func lifecycle() {
        var breaker = CircuitBreaker(threshold: 3, first: .seconds(1), longest: .seconds(30))
        #expect(breaker.recordFailure() == nil)
        #expect(breaker.recordFailure() == nil)
        #expect(breaker.recordSuccess() == nil)
        #expect(breaker.consecutiveFailures == 0)
        #expect(breaker.recordFailure() == nil)
        #expect(breaker.recordFailure() == nil)
        #expect(breaker.recordFailure() == .opened)
        #expect(breaker.isOpen)
        var waits: [Duration] = [breaker.backoff]
        for _ in 0..<7 {
            #expect(breaker.recordFailure() == nil)
            waits.append(breaker.backoff)
        }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30, 30].map { .seconds($0) })
        #expect(breaker.recordSuccess() == .closed)
        #expect(!breaker.isOpen && breaker.backoff == .seconds(1))
    }
}
