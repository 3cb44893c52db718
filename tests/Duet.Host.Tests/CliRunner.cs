using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Duet.Crypto.Encoding;

namespace Duet.Host.Tests;

/// <summary>What one run of <c>duet</c> left behind.</summary>
internal sealed record CliOutcome(int Code, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The "duet:" lines that report a failure (not notes or warnings).</summary>
    public string[] FailureLines => [.. ErrorLines.Where(l => l.StartsWith("duet: ", StringComparison.Ordinal) && !l.StartsWith("duet: warning: ", StringComparison.Ordinal) && !l.StartsWith("duet: note: ", StringComparison.Ordinal))];

    public override string ToString() => $"exit {Code}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Runs <c>duet</c> in this process (Cli.Run) or as a child process (the built duet.dll).</summary>
internal static class CliRunner
{
    public static CliOutcome Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return new CliOutcome(code, stdout.ToString(), stderr.ToString());
    }

    public static Task<CliOutcome> RunAsync(params string[] args) => Task.Run(() => Run(args));

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Waits until something accepts TCP connections on the loopback port (a listening party is up).</summary>
    public static async Task WaitForListenerAsync(int port, Task running, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !running.IsCompleted)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The <c>duet</c> program built with this test assembly (a project reference copies it beside it).</summary>
    public static string DuetDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "duet.dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "duet.runtimeconfig.json")))
        {
            return beside;
        }

        // tests/Duet.Host.Tests/bin/<Configuration>/<tfm>/ → src/Host/bin/<Configuration>/<tfm>/duet.dll
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Actors.sln")))
        {
            root = root.Parent;
        }

        var built = root is null ? null : Path.Combine(root.FullName, "src", "Host", "bin", output.Parent!.Name, output.Name, "duet.dll");
        return built is not null && File.Exists(built)
            ? built
            : throw new FileNotFoundException($"duet.dll is neither beside the tests ({beside}) nor at {built}; build src/Host.");
    }

    public static Matrix<long> RandomIntegers(int rows, int columns, int magnitude, int seed)
    {
        var random = new Random(seed);
        var matrix = new Matrix<long>(rows, columns);
        for (var i = 0; i < matrix.Data.Length; i++)
        {
            matrix.Data[i] = random.Next(-magnitude, magnitude + 1);
        }

        return matrix;
    }
}

/// <summary>A <c>duet</c> child process with its output captured.</summary>
internal sealed class DuetProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();

    private DuetProcess(Process process)
    {
        this.process = process;
    }

    public Task Exited => process.WaitForExitAsync();

    /// <summary>What the process has written to stderr so far.</summary>
    public string ErrorSoFar
    {
        get
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
    }

    /// <summary>Sends a POSIX signal (INT, TERM) to the process, as Ctrl-C or a service manager would.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Ends the process at once (SIGKILL), as a crash or a power cut would.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>Waits until stderr holds a line containing <paramref name="text"/>.</summary>
    public async Task WaitForErrorAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!ErrorSoFar.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > timeout || process.HasExited)
            {
                throw new TimeoutException($"stderr never showed '{text}': {ErrorSoFar}");
            }

            await Task.Delay(50);
        }
    }

    public static DuetProcess Start(string workingDirectory, params string[] args) => StartIn([], workingDirectory, args);

    /// <summary>Starts duet under a command prefix (e.g. <c>ip netns exec NS</c>), which must exec it in place.</summary>
    public static DuetProcess StartIn(IReadOnlyList<string> prefix, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(prefix.Count > 0 ? prefix[0] : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var word in prefix.Skip(1).Concat(prefix.Count > 0 ? ["dotnet"] : []))
        {
            info.ArgumentList.Add(word);
        }

        info.ArgumentList.Add(CliRunner.DuetDll());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var started = new DuetProcess(process);
        process.OutputDataReceived += (_, e) => Append(started.stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(started.stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>The outcome once the process exits; killed (and an exception) after the timeout.</summary>
    public async Task<CliOutcome> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"duet did not exit within {timeout}: {Outcome(-1)}");
        }

        process.WaitForExit();
        return Outcome(process.ExitCode);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private CliOutcome Outcome(int code)
    {
        lock (stdout)
        {
            lock (stderr)
            {
                return new CliOutcome(code, stdout.ToString(), stderr.ToString());
            }
        }
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.AppendLine(line);
        }
    }
}
