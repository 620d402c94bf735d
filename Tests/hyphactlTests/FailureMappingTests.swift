// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaEventBus
import Testing

@testable import hyphactl

/// `HyphaCtl.main()` maps failures through `ExitCodes.report(for:)`, and only there.
@Suite("failures to exit codes")
struct FailureMappingTests {
    @Test(
        "a Kafka failure: its line with hint and advice, and its kind's code",
        arguments: [
            (KafkaFailure.Kind.unreachable, Int32(69)), (.incompatibleClient, 69), (.invalidInput, 65),
            (.refused, 1), (.deliveryFailed, 1), (.notFound, 1), (.wrongState, 1), (.client, 1),
        ] as [(KafkaFailure.Kind, Int32)])
    func kafkaFailure(_ kind: KafkaFailure.Kind, _ code: Int32) throws {
        let failure = KafkaFailure(kind, "list topics: it failed", hint: "a hint")
        let report = try #require(ExitCodes.report(for: failure))
        #expect(report.code == code)
        #expect(report.line == ExitCodes.line(for: failure))
        #expect(report.line.hasPrefix("list topics: it failed (a hint"))
    }

    @Test("advice is added after the library's hint")
    func advice() throws {
        let failure = KafkaFailure(
            .notFound, "describe topic hypha_event_x: no such topic", subject: .topic("hypha_event_x"))
        let report = try #require(ExitCodes.report(for: failure))
        #expect(report.line == "describe topic hypha_event_x: no such topic (see `hyphactl topics list --all`)")
    }

    @Test(
        "a command failure: its description and its own code",
        arguments: [
            (CommandFailure.badInput("DATA is not JSON"), Int32(65)),
            (CommandFailure.failed("not confirmed: nothing deleted"), 1),
            (CommandFailure.thresholdExceeded("lag over --max-lag"), 3),
        ] as [(CommandFailure, Int32)])
    func commandFailure(_ failure: CommandFailure, _ code: Int32) throws {
        let report = try #require(ExitCodes.report(for: failure))
        #expect(report.code == code)
        #expect(report.line == failure.description)
    }

    @Test("usage errors, help and exit codes are left to ArgumentParser")
    func othersPassThrough() {
        #expect(ExitCodes.report(for: ValidationError("bad")) == nil)
        #expect(ExitCodes.report(for: ExitCode(3)) == nil)
        #expect(ExitCodes.report(for: CleanExit.helpRequest()) == nil)
        #expect(ExitCodes.report(for: CancellationError()) == nil)
    }
}
