// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Synchronization

/// A librdkafka handle lent to whoever needs it for one call, until its owner
/// takes it back: `reclaim` stops further loans and waits for the current
/// ones, so that the owner holds the last reference and destroys the handle
/// where it chooses (off the cooperative pool, before its `stop()` returns),
/// not wherever a late borrower (a handler's lane, a lookup) happens to let go.
package final class LentHandle<Handle: AnyObject & Sendable>: Sendable {
    private let state: Mutex<State>

    private struct State {
        var handle: Handle?
        var borrowers = 0
        var reclaimer: DispatchSemaphore?
    }

    package init(_ handle: Handle) {
        state = Mutex(State(handle: handle))
    }

    /// `body`'s result with the handle; nil once it was taken back.
    package func borrow<R>(_ body: (Handle) -> R) -> R? {
        guard let result = withLoan(body) else { return nil }
        let reclaimer = state.withLock { state -> DispatchSemaphore? in
            state.borrowers -= 1
            return state.borrowers == 0 ? state.reclaimer : nil
        }
        reclaimer?.signal()
        return result
    }

    /// The loan itself: its reference is gone once this returns.
    private func withLoan<R>(_ body: (Handle) -> R) -> R?? {
        let handle = state.withLock { state -> Handle? in
            guard let handle = state.handle else { return nil }
            state.borrowers += 1
            return handle
        }
        guard let handle else { return nil }
        return .some(body(handle))
    }

    /// Takes the handle back, waiting (blocking the caller's thread) for the
    /// loans under way; nil when it was taken already.
    package func reclaim() -> Handle? {
        let (handle, wait) = state.withLock { state -> (Handle?, DispatchSemaphore?) in
            let handle = state.handle
            state.handle = nil
            guard state.borrowers > 0 else { return (handle, nil) }
            let semaphore = DispatchSemaphore(value: 0)
            state.reclaimer = semaphore
            return (handle, semaphore)
        }
        wait?.wait()
        return handle
    }
}
