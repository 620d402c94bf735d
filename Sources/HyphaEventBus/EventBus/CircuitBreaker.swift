// SPDX-License-Identifier: Apache-2.0
/// Hypha's circuit breaker: opens after `threshold` consecutive Kafka failures,
/// then waits between reconnection attempts, from `first` doubling to `longest`,
/// and closes on the first success.
struct CircuitBreaker: Sendable, Equatable {
    /// A change worth telling about.
    enum Transition: Equatable { case opened, closed }

    let threshold: Int
    let first: Duration
    let longest: Duration
    private(set) var consecutiveFailures = 0
    private(set) var isOpen = false
    /// The wait before the next reconnection attempt while open.
    private(set) var backoff: Duration

    init(threshold: Int, first: Duration, longest: Duration) {
        self.threshold = threshold
        self.first = first
        self.longest = longest
        backoff = first
    }

    mutating func recordSuccess() -> Transition? {
        consecutiveFailures = 0
        backoff = first
        guard isOpen else { return nil }
        isOpen = false
        return .closed
    }

    mutating func recordFailure() -> Transition? {
        consecutiveFailures += 1
        if isOpen {
            backoff = min(backoff * 2, longest)
            return nil
        }
        guard consecutiveFailures >= threshold else { return nil }
        isOpen = true
        return .opened
    }
}
