// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import TestSupport
import Testing

@testable import hyphactl

/// What hyphactl says about itself against what is committed: every command's
/// --help (Snapshots/help/), the completion scripts (completions/, which ship) and the
/// man pages (man/, which ship; scripts/generate-docs makes them). The binary is
/// the one this build made; no broker is needed.
@Suite("help texts, completion scripts and man pages as committed")
struct GeneratedTextTests {
    /// Every command by its words after `hyphactl`, the root (none) first.
    static let commands: [[String]] = words(below: HyphaCtl.self, [])

    private static func words(below command: any ParsableCommand.Type, _ prefix: [String]) -> [[String]] {
        [prefix]
            + command.configuration.subcommands.flatMap { words(below: $0, prefix + [$0._commandName]) }
    }

    private static let helpFolder = "Tests/hyphactlTests/Snapshots/help"

    /// The snapshot of `hyphactl WORDS --help`: Snapshots/help/hyphactl.WORDS.txt.
    private static func helpFile(_ words: [String]) -> String {
        helpFolder + "/" + (["hyphactl"] + words).joined(separator: ".") + ".txt"
    }

    /// hyphactl in a fixed environment: 80 columns, no config file, no cluster from outside.
    private static func hyphactl(_ arguments: [String]) throws -> ProcessResult {
        let environment = [
            "COLUMNS": "80", "PATH": TestEnvironment.variables["PATH"] ?? "/usr/bin:/bin",
            "HYPHACTL_CONFIG": "/nonexistent/config.yaml",
        ]
        return try Subprocess.run(try Hyphactl.binary(), arguments, environment: environment)
    }

    @Test("each command's --help is as committed", arguments: commands)
    func help(_ words: [String]) throws {
        let result = try Self.hyphactl(words + ["--help"])
        #expect(result.status == 0, "hyphactl \(words.joined(separator: " ")) --help: \(result.stderr)")
        try Snapshot.expect(result.output, is: Self.helpFile(words))
    }

    @Test("every help snapshot belongs to a command")
    func noStrayHelp() throws {
        let folder = Snapshot.repository.appendingPathComponent(Self.helpFolder)
        let present = Set((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        let wanted = Set(Self.commands.map { URL(fileURLWithPath: Self.helpFile($0)).lastPathComponent })
        let stray = present.subtracting(wanted)
        if Snapshot.updating {
            for file in stray { try FileManager.default.removeItem(at: folder.appendingPathComponent(file)) }
        } else {
            #expect(stray.isEmpty, "no command for \(stray.sorted()): \(Snapshot.howToUpdate)")
        }
    }

    @Test(
        "the committed completion scripts are what the binary generates",
        arguments: [("bash", "hyphactl.bash"), ("zsh", "_hyphactl"), ("fish", "hyphactl.fish")])
    func completions(_ shell: String, _ file: String) throws {
        let generated = try Self.hyphactl(["--generate-completion-script", shell])
        #expect(generated.status == 0, "\(generated.stderr)")
        try Snapshot.expect(generated.output, is: "completions/\(file)")
    }

    @Test("bash loads the completion script")
    func bashCompletion() throws {
        let script = Snapshot.repository.appendingPathComponent("completions/hyphactl.bash").path
        let result = try Subprocess.run("/bin/bash", ["-c", "source '\(script)'; complete -p hyphactl"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.output.contains("hyphactl"))
    }

    @Test("the committed man pages are what generate-manual makes, and man renders them")
    func manPages() throws {
        let root = Snapshot.repository
        let tool = try TestEnvironment.built("generate-manual", overriddenBy: "HYPHA_TEST_GENERATE_MANUAL")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("man-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let made = try Subprocess.run(
            tool, [try Hyphactl.binary(), "--multi-page", "--date", "2026-11-27", "--output-directory", directory.path])
        #expect(made.status == 0, "\(made.stderr)")
        let finished = try Subprocess.run(
            root.appendingPathComponent("scripts/man-finish").path, [try Hyphactl.binary(), directory.path])
        #expect(finished.status == 0, "\(finished.stderr)")
        let pages = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        let committed = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("man").path)
            .sorted()
        #expect(pages == committed, "man/ is stale: run scripts/generate-docs")
        for page in pages {
            let fresh = try String(contentsOf: directory.appendingPathComponent(page), encoding: .utf8)
            let old = try String(contentsOf: root.appendingPathComponent("man/\(page)"), encoding: .utf8)
            #expect(fresh == old, "man/\(page) is stale: run scripts/generate-docs")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["MANPAGER"] = "cat"
        let rendered = try Subprocess.run(
            "/usr/bin/man", ["-l", root.appendingPathComponent("man/hyphactl.1").path], environment: environment)
        #expect(rendered.status == 0, "\(rendered.stderr)")
        #expect(rendered.output.contains("hyphactl"))
    }
}
