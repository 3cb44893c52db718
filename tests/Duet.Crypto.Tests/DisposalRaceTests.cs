using System.Numerics;
using Duet.Crypto.Arithmetic;

namespace Duet.Crypto.Tests;

/// <summary>
/// Native products hold their BIGNUMs and BN_MONT_CTX through the handles for the call. Before, they ran on raw
/// pointers cached from the handles: a product after the context's disposal ran on a freed BN_MONT_CTX without a word,
/// and a residue disposed by another thread during a product was written after it was freed (SIGSEGV within a few
/// hundred rounds of the race below, every run).
/// </summary>
public sealed class DisposalRaceTests
{
    private const int Rounds = 200;

    private static readonly BigInteger Modulus = (BigInteger.One << 2047) + 24691;

    [Fact]
    public void AProductOnADisposedContextThrowsInsteadOfReadingItsFreedMontgomeryContext()
    {
        var context = new NativeMontgomeryContext(Modulus);
        using var a = context.NewResidue();
        using var b = context.NewResidue();
        context.Load(3, a);
        context.Load(5, b);
        var pinned = context.Pin(b);
        context.Dispose();

        Assert.Throws<ObjectDisposedException>(() => context.Multiply(a, b, a));
        Assert.Throws<ObjectDisposedException>(() => context.Square(a, a));
        Assert.Throws<ObjectDisposedException>(() => context.MultiplyBy(a, pinned));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AResidueOrContextDisposedDuringProductsOnAnotherThreadIsFreedAfterTheProductNeverUnderIt(bool disposeContext)
    {
        using var shared = new NativeMontgomeryContext(Modulus);
        var (finished, refused) = (0, 0);
        for (var round = 0; round < Rounds; round++)
        {
            var context = disposeContext ? new NativeMontgomeryContext(Modulus) : shared;
            using var a = context.NewResidue();
            using var destination = context.NewResidue();
            context.Load(3, a);
            using var started = new ManualResetEventSlim();
            var products = Task.Run(() =>
            {
                started.Set();
                try
                {
                    for (var i = 0; i < 2000; i++)
                    {
                        context.Multiply(a, a, destination);
                    }

                    return true;
                }
                catch (ObjectDisposedException)
                {
                    return false;
                }
            });
            started.Wait();
            Thread.SpinWait(round * 7919 % 20000);
            if (disposeContext)
            {
                context.Dispose();
            }
            else
            {
                destination.Dispose();
            }

            _ = await products ? finished++ : refused++;
        }

        // Either outcome is fine for a round; the point is that the process is still here.
        Assert.Equal(Rounds, finished + refused);
    }
}
