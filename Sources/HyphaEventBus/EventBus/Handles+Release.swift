// SPDX-License-Identifier: Apache-2.0
import KafkaConnection
import RDKafka

extension Blocking {
    /// Lets go of `handles` on a thread of its own: destroying a librdkafka
    /// handle blocks until its threads have ended.
    static func release(_ handles: Handles) async {
        _ = try? await run { () throws(KafkaFailure) in handles.releaseAll() }
    }
}
