using Duet.Crypto.Lattice;

namespace Duet.Crypto.Tests.Lattice;

/// <summary>The plan keeps the evaluator's prepared ciphertexts within the cap however tall the product: without it the
/// cheapest plan of 400 000 rows keeps 1 000 of them (about 1.2 GB).</summary>
public sealed class PlanMemoryTests
{
    [Theory]
    [InlineData(100_000, 100, 10)]
    [InlineData(262_144, 100, 1)]
    public void A_tall_products_plan_keeps_its_operand_within_the_cap_at_m_4m_and_16m(int rows, int inner, int columns)
    {
        foreach (var m in new[] { rows, 4 * rows, 16 * rows })
        {
            Assert.InRange(CoefficientPlan.Create(m, inner, columns, 32, 32).OperandBytes, 1, CoefficientPlan.OperandMemoryBytes);
        }
    }

}
