using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Prescriptions.Update;

/// <summary>Only the fields sent change. Drafts only; send the ETag of your last read as If-Match.</summary>
public sealed record Request
{
    public Guid Id { get; init; }
    public string? MedicationName { get; init; }
    public string? MedicationCode { get; init; }
    public string? Dose { get; init; }
    public string? Route { get; init; }
    public string? Frequency { get; init; }
    public decimal? Quantity { get; init; }
    public string? QuantityUnit { get; init; }
    public int? Refills { get; init; }
    public string? Instructions { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.MedicationName).Text(200).When(r => r.MedicationName is not null);
        RuleFor(r => r.MedicationCode).MaximumLength(50);
        RuleFor(r => r.Dose).Text(100).When(r => r.Dose is not null);
        RuleFor(r => r.Route).Route();
        RuleFor(r => r.Frequency).Text(100).When(r => r.Frequency is not null);
        RuleFor(r => r.Quantity).Quantity();
        RuleFor(r => r.QuantityUnit).Text(30).When(r => r.QuantityUnit is not null);
        RuleFor(r => r.Refills).Refills();
        RuleFor(r => r.Instructions).MaximumLength(2000);
    }
}
