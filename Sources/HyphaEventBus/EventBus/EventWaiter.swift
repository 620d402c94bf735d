// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// One `waitFor` call: settled exactly once, by a matching event, its timeout,
/// the caller's cancellation or the bus stopping, whichever comes first, and in
/// whatever order these and the caller's own suspension happen.
final class EventWaiter: Sendable {
    let event: String
    let matches: @Sendable (BusEvent) -> Bool
    private let state = Mutex<State>(.waiting(nil))

    private enum State {
        case waiting(CheckedContinuation<BusEvent, any Error>?)
        case settled(Result<BusEvent, any Error>)
        case done
    }

    init(event: String, matches: @escaping @Sendable (BusEvent) -> Bool) {
        self.event = event
        self.matches = matches
    }

    /// Settles the waiter; false when it was settled already.
    @discardableResult
    func settle(_ result: Result<BusEvent, any Error>) -> Bool {
        let resume = state.withLock { state -> (CheckedContinuation<BusEvent, any Error>?, Bool) in
            guard case .waiting(let continuation) = state else { return (nil, false) }
            if let continuation {
                state = .done
                return (continuation, true)
            }
            state = .settled(result)
            return (nil, true)
        }
        resume.0?.resume(with: result)
        return resume.1
    }

    /// Suspends until settled (at once, if it already is).
    func value() async throws -> BusEvent {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<BusEvent, any Error>? in
                switch state {
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                case .settled(let result):
                    state = .done
                    return result
                case .done:
                    preconditionFailure("EventWaiter.value() is awaited once")
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
