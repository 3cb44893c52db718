using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Duet.Links;

/// <summary>
/// Two parties in network namespaces of their own, joined through a third that shapes and delays what they send:
/// A ─veth (tbf, the profile's rate both ways)─ M ─veth─ B. A listens on every address of its namespace and tells
/// the peer <see cref="PublicAddressOfA"/>, an address that only M holds; in M a <see cref="DelayRelay"/> accepts B's
/// calls there and forwards them to A, holding every byte half the round trip each way (this kernel has no netem).
/// <see cref="Cut"/> takes the A–M link down, as a failed line would. Everything is removed on dispose, on the
/// process's exit, and (for a process killed before that) by the next emulator this machine creates.
/// </summary>
public sealed partial class LinkEmulator : IDisposable
{
    /// <summary>The address A tells the peer: held by M, where the relay listens.</summary>
    public const string PublicAddressOfA = "10.99.0.1";

    private const string AddressA = "10.231.1.1";
    private const string AddressMa = "10.231.1.2";
    private const string AddressB = "10.231.2.1";
    private const string AddressMb = "10.231.2.2";
    private const string NamePrefix = "duetln";

    private static readonly ConcurrentDictionary<LinkEmulator, bool> Live = new();
    private static readonly List<PosixSignalRegistration> Signals = [];
    private static int created;
    private static string? unavailable;
    private static bool probed;

    private readonly string id;
    private readonly List<DelayRelay> relays = [];
    private int disposed;

    static LinkEmulator()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeAll();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT })
        {
            Signals.Add(PosixSignalRegistration.Create(signal, _ => DisposeAll()));
        }
    }

    private LinkEmulator(LinkProfile profile)
    {
        Profile = profile;
        id = $"{NamePrefix}{Environment.ProcessId}x{Interlocked.Increment(ref created)}";
        NamespaceA = id + "a";
        NamespaceM = id + "m";
        NamespaceB = id + "b";
    }

    public LinkProfile Profile { get; }

    public string NamespaceA { get; }

    public string NamespaceM { get; }

    public string NamespaceB { get; }

    /// <summary>Whether the A–M link is down now.</summary>
    public bool IsCut { get; private set; }

    /// <summary>Why no emulator can be made here (not Linux, not root, no <c>ip netns</c>), or null when one can.</summary>
    public static string? Unavailable()
    {
        lock (Live)
        {
            if (!probed)
            {
                unavailable = Probe();
                probed = true;
            }

            return unavailable;
        }
    }

    /// <summary>The three namespaces, their links and shaping for <paramref name="profile"/>; throws when <see cref="Unavailable"/> says why not.</summary>
    public static LinkEmulator Create(LinkProfile profile)
    {
        if (Unavailable() is { } reason)
        {
            throw new InvalidOperationException($"no link emulator here: {reason}");
        }

        SweepLeftovers();
        var link = new LinkEmulator(profile);
        Live[link] = true;
        try
        {
            link.Build();
            return link;
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    /// <summary>The command prefix that runs a program in A's or B's namespace (<c>ip netns exec NS</c>).</summary>
    public IReadOnlyList<string> In(char party) => ["ip", "netns", "exec", party switch { 'a' => NamespaceA, 'b' => NamespaceB, _ => throw new ArgumentOutOfRangeException(nameof(party)) }];

    /// <summary>Relays calls to <see cref="PublicAddressOfA"/>:<paramref name="port"/> (from B) to A's listener on that port.</summary>
    public void Forward(int port)
    {
        var oneWay = Profile.RoundTrip / 2;
        // Room for a round trip of data at the profile's rate (and at least a few frames), so the relay never throttles a link the profile would not.
        var buffer = Math.Max(16L << 20, 2 * Profile.DelayBandwidthBytes);
        relays.Add(DelayRelay.Start(NamespaceM, new IPEndPoint(IPAddress.Parse(PublicAddressOfA), port), new IPEndPoint(IPAddress.Parse(AddressA), port), oneWay, buffer));
    }

    /// <summary>A TCP socket made inside A's or B's namespace, for tests of the link itself.</summary>
    public System.Net.Sockets.Socket SocketIn(char party)
    {
        var ns = party switch { 'a' => NamespaceA, 'b' => NamespaceB, _ => throw new ArgumentOutOfRangeException(nameof(party)) };
        using var thread = new NamespaceThread(ns);
        return thread.Create();
    }

    /// <summary>Takes the A–M link down: nothing passes either way until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        Ip("-n", NamespaceM, "link", "set", "dev", "ma", "down");
        IsCut = true;
    }

    /// <summary>Brings the A–M link back; connections that outlived the cut carry on.</summary>
    public void Restore()
    {
        Ip("-n", NamespaceM, "link", "set", "dev", "ma", "up");
        IsCut = false;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        foreach (var relay in relays)
        {
            relay.Dispose();
        }

        foreach (var name in new[] { NamespaceA, NamespaceM, NamespaceB })
        {
            Remove(name);
        }

        Live.TryRemove(this, out _);
    }

    private void Build()
    {
        foreach (var name in new[] { NamespaceA, NamespaceM, NamespaceB })
        {
            Ip("netns", "add", name);
            Ip("-n", name, "link", "set", "dev", "lo", "up");
        }

        Ip("link", "add", "name", "va", "netns", NamespaceA, "type", "veth", "peer", "name", "ma", "netns", NamespaceM);
        Ip("link", "add", "name", "vb", "netns", NamespaceB, "type", "veth", "peer", "name", "mb", "netns", NamespaceM);
        Ip("-n", NamespaceA, "addr", "add", AddressA + "/30", "dev", "va");
        Ip("-n", NamespaceM, "addr", "add", AddressMa + "/30", "dev", "ma");
        Ip("-n", NamespaceB, "addr", "add", AddressB + "/30", "dev", "vb");
        Ip("-n", NamespaceM, "addr", "add", AddressMb + "/30", "dev", "mb");
        Ip("-n", NamespaceM, "addr", "add", PublicAddressOfA + "/32", "dev", "lo");
        foreach (var (ns, dev) in new[] { (NamespaceA, "va"), (NamespaceM, "ma"), (NamespaceB, "vb"), (NamespaceM, "mb") })
        {
            Ip("-n", ns, "link", "set", "dev", dev, "up");
        }

        Ip("-n", NamespaceB, "route", "add", PublicAddressOfA + "/32", "via", AddressMb);
        if (Profile.BitsPerSecond is { } rate)
        {
            foreach (var (ns, dev) in new[] { (NamespaceA, "va"), (NamespaceM, "ma") })
            {
                // A bucket of 10 ms at the rate (at least 64 KiB, so a whole offloaded segment passes) and a queue of 100 ms.
                var burst = Math.Max(64 << 10, rate / 8 / 100);
                Tc(ns, "qdisc", "add", "dev", dev, "root", "tbf", "rate", rate.ToString(CultureInfo.InvariantCulture) + "bit",
                    "burst", burst.ToString(CultureInfo.InvariantCulture), "latency", "100ms");
            }
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (Environment.UserName != "root")
        {
            return "making network namespaces needs root";
        }

        var name = $"{NamePrefix}{Environment.ProcessId}probe";
        var (code, output) = Run("ip", "netns", "add", name);
        if (code != 0)
        {
            return $"'ip netns add' failed: {output.Trim()}";
        }

        TryIp("netns", "del", name);
        var tbf = Run("tc", "-V").Code == 0 ? null : "tc (iproute2) is missing";
        return tbf;
    }

    // Namespaces of an emulator whose process is gone (killed before it could remove them).
    private static void SweepLeftovers()
    {
        foreach (var line in Run("ip", "netns", "list").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var match = OwnName().Match(line);
            if (match.Success && int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture) is var pid && pid != Environment.ProcessId && !Alive(pid))
            {
                Remove(match.Groups["name"].Value);
            }
        }
    }

    // A namespace goes with the processes started in it (a party, a worker node), so none outlives the emulator.
    private static void Remove(string name)
    {
        foreach (var pid in Run("ip", "netns", "pids", name).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(pid, CultureInfo.InvariantCulture, out var id) && id != Environment.ProcessId)
            {
                try
                {
                    using var process = Process.GetProcessById(id);
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Gone already.
                }
            }
        }

        TryIp("netns", "del", name);
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");

    private static void DisposeAll()
    {
        foreach (var link in Live.Keys)
        {
            link.Dispose();
        }
    }

    private static void Ip(params string[] args) => Check("ip", args);

    private static void Tc(string ns, params string[] args) => Check("ip", ["netns", "exec", ns, "tc", .. args]);

    private static void TryIp(params string[] args) => Run("ip", args);

    private static void Check(string file, string[] args)
    {
        var (code, output) = Run(file, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {output.Trim()}");
        }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, $"{file}: {ex.Message}");
        }
    }

    [GeneratedRegex(@"^(?<name>duetln(?<pid>\d+)(x\d+[amb]|probe))\b")]
    private static partial Regex OwnName();
}
