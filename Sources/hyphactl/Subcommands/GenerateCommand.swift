// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaManifests

/// `hyphactl generate compose|k8s`: manifests from one hypha.yaml.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Docker Compose or Kubernetes manifests for a whole Hypha-on-Kafka deployment.",
        discussion: """
            Reads a hypha.yaml (see examples/), reports every problem in it at once with its \
            line and column (exit 65), warns about settings that need care, and writes the \
            manifests to stdout or -o PATH. --check PATH exits 1 with a unified diff when \
            PATH differs from what would be generated.
            """)

    enum Target: String, ExpressibleByArgument, CaseIterable { case compose, k8s }

    @Argument(help: "What to generate: compose or k8s.") var target: Target
    @Option(
        name: [.customShort("f"), .customLong("file")],
        help: ArgumentHelp("The deployment description.", valueName: "path"),
        completion: .file(extensions: ["yaml", "yml"]))
    var file: String = "hypha.yaml"
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Write here instead of stdout (replaced whole, never half-written); unlike other commands' -o, a file.",
            valueName: "path"),
        completion: .file())
    var output: String?
    @Option(
        help: ArgumentHelp(
            "Compare with this file instead of writing: exit 1 and a diff when it differs.", valueName: "path"),
        completion: .file())
    var check: String?

    func validate() throws {
        if output != nil && check != nil { throw ValidationError("give -o or --check, not both") }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure.noInput("cannot read \(file): no such file or not readable (see examples/)")
        }
        guard let text = String(validating: data, as: UTF8.self), !data.contains(0) else {
            throw CommandFailure.badInput("\(file): not UTF-8 text")
        }
        let (deployment, warnings): (HyphaDeployment, [DeploymentReader.Warning])
        do throws(SpecError) {
            (deployment, warnings) = try DeploymentReader.read(text, file: file)
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw CommandFailure.badInput(
                "\(file): \(error.problems.count) problem\(error.problems.count == 1 ? "" : "s"); nothing was generated"
            )
        }
        for warning in warnings { Terminal.printError("warning: \(warning)") }
        let manifest = target == .compose ? ComposeManifest.render(deployment) : KubernetesManifest.render(deployment)
        if let check {
            let existing = FileManager.default.contents(atPath: check).map { String(decoding: $0, as: UTF8.self) } ?? ""
            if let diff = ManifestDiff.unified(
                old: existing, new: manifest, oldName: check, newName: "generated from \(file)")
            {
                Terminal.write(diff)
                throw CommandFailure.failed(
                    "\(check) differs from what \(file) generates (regenerate it with -o \(check))")
            }
        } else if let output {
            try AtomicFile.write(manifest, to: output)
        } else {
            Terminal.write(manifest)
        }
    }
}
