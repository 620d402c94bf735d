// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import Synchronization

/// A reading admin (`KafkaAdmin.reading`) kept from one refresh to the next:
/// `--watch` and the exporter's scrapes skip a new connection's handshakes and
/// first Metadata each time. After a refresh that failed, the next makes a new one.
package final class KeptAdmin: Sendable {
    private let settings: KafkaClientSettings
    private let admin = Mutex<KafkaAdmin?>(nil)

    /// Nothing connected until the first refresh.
    package init(settings: KafkaClientSettings) { self.settings = settings }

    /// Runs one refresh on the kept admin; one at a time.
    package func refresh<Result>(_ body: (KafkaAdmin) async throws(KafkaFailure) -> Result)
        async throws(KafkaFailure) -> Result
    {
        let kept = admin.withLock { $0 }
        let current: KafkaAdmin
        if let kept { current = kept } else { current = try KafkaAdmin.reading(settings: settings) }
        do {
            let result = try await body(current)
            admin.withLock { $0 = current }
            return result
        } catch {
            admin.withLock { $0 = nil }
            throw error
        }
    }
}
