namespace Duet.Benchmarks;

internal static class Program
{
    private const string Usage = """
        usage: dotnet run -c Release --project tests/Duet.Benchmarks -- COMMAND [--name value]...

          primitives  [--key-bits 2048] [--seconds 2] [--json FILE] [--backend native|managed]
          kernel      [--rows 2000] [--inner 100] [--cols 10] [--key-bits 2048] [--input-bits 32]
                      [--baseline-rows R] [--repeat 2] [--seed 1] [--json FILE] [--backend native|managed] [--phases]
          micro       BenchmarkDotNet: Montgomery multiply and 64-bit power, native vs managed
          e2e         [--rows 10000] [--inner 100] [--cols 10] [--key-bits 2048] [--input-bits 32] [--baseline-rows R]
                      [--scheme paillier|bfv] [--share integer|ring64] [--reveal none|both] [--table-memory SIZE] (bfv: no textbook baseline)
                      [--seed 1] [--keep DIR] [--json FILE] [--backend native|managed]
                      two `duet party` processes on loopback against the textbook baseline
          lattice     [--rows 10000] [--inner 100] [--cols 10] [--input-bits 32] [--domain integer|ring64] [--repeat 2]
                      [--seed 1] [--blocks N:MxKxW] [--anchor yes|no] [--json FILE]   BFV with coefficient encoding in process,
                      1 thread and all cores, after the same product with SEAL via node-seal (the anchor, one thread)
          cluster     [--rows 20000] [--inner 100] [--cols 1] [--key-bits 2048] [--input-bits 32] [--kill-at 50]
                      [--scheme paillier|bfv] [--key-form standard|fast] [--link plaintext|tls] [--seed 1] [--keep DIR] [--json FILE] [--build r2r|il]   the evaluator as 1x1, 2x1 and 3 nodes with one killed
          wan         [--profiles lan,metro,region] [--schemes bfv,paillier] [--workloads w1,w3] [--share ring64|integer]
                      [--repeat 1] [--key-bits 2048] [--config FILE] [--seed 1] [--keep DIR] [--json FILE] [--build r2r|il]
                      two parties in network namespaces across an emulated link (root; skipped where namespaces cannot be made)
          soak        [--sessions 30] [--seconds 1800] [--seed 1] [--keep DIR] [--json FILE] [--build r2r|il]
                      sessions in a row on the metro link with random faults (kill -9, cuts), each resumed until exact (root)
          stress      [--seconds 60] [--key-bits 1024] [--part all|arithmetic|tiles|links]
                      disposal racing the work: residues and contexts, tile contexts retired under workers, TLS links closed while writing
        """;

    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Error.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var (command, rest) = (args[0], args[1..]);
        try
        {
            return command switch
            {
                "primitives" => PrimitivesCommand.Run(new CommandOptions(command, rest, PrimitivesCommand.ValueOptions)),
                "kernel" => KernelCommand.Run(new CommandOptions(command, rest, KernelCommand.ValueOptions, KernelCommand.FlagOptions)),
                "micro" => MicroCommand.Run(new CommandOptions(command, rest, [])),
                "e2e" => E2eCommand.Run(new CommandOptions(command, rest, E2eCommand.ValueOptions)),
                "lattice" => LatticeCommand.Run(new CommandOptions(command, rest, LatticeCommand.ValueOptions)),
                "cluster" => ClusterCommand.Run(new CommandOptions(command, rest, ClusterCommand.ValueOptions)),
                "wan" => WanCommand.Run(new CommandOptions(command, rest, WanCommand.ValueOptions)),
                "soak" => SoakCommand.Run(new CommandOptions(command, rest, SoakCommand.ValueOptions)),
                "stress" => StressCommand.Run(new CommandOptions(command, rest, StressCommand.ValueOptions)),
                _ => throw new UsageException($"unknown command '{command}'.\n{Usage}"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
