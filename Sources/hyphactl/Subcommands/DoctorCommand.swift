// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin

/// `hyphactl doctor`: what stands between this machine and a working bus.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check config, reachability, broker and librdkafka versions, topic settings and stale servers.",
        discussion:
            "Prints each check as ok, warn or fail with a fix, or skip with why it was not made. Exits 1 when any check fails."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let style = Style(enabled: global.colorEnabled)
        var findings: [DoctorFinding] = []
        let path = ConfigFile.defaultPath(environment: ProcessInfo.processInfo.environment)
        let settings: KafkaClientSettings
        do throws(KafkaFailure) {
            // Doctor checks each address itself, refused or not.
            settings = try global.clientSettings(environment: ProcessInfo.processInfo.environment)
            let context = global.context ?? (try? ConfigFile.load(path: path))??.currentContext
            findings.append(
                DoctorFinding(
                    .ok, "config",
                    FileManager.default.fileExists(atPath: path)
                        ? "\(path)\(context.map { ", context \($0)" } ?? ""); bootstrap \(settings.bootstrapDescription)"
                        : "no config file; bootstrap \(settings.bootstrapDescription)"))
        } catch {
            findings.append(DoctorFinding(.fail, "config", error.reason, fix: error.hint ?? "fix the file, or pass -b"))
            Terminal.write(DoctorRendering.render(findings, style: style))
            throw CommandFailure.failed("doctor: the configuration cannot be used; the fix is above")
        }
        findings += await Doctor.examine(settings: settings, nowMillis: WallClock.nowMillis())
        Terminal.write(DoctorRendering.render(findings, style: style))
        let failed = findings.filter { $0.status == .fail }.count
        if failed > 0 {
            throw CommandFailure.failed("doctor: \(failed) of \(findings.count) checks failed; each fix is above")
        }
    }
}
