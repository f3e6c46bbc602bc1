using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Prescriptions.Create;

public sealed record Request(Guid PatientId, string MedicationName, string Dose, string Route, string Frequency, decimal? Quantity, string QuantityUnit,
    int? Refills = 0, string? Instructions = null, string? MedicationCode = null);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.PatientId).NotEmpty();
        RuleFor(r => r.MedicationName).Text(200);
        RuleFor(r => r.MedicationCode).MaximumLength(50);
        RuleFor(r => r.Dose).Text(100);
        RuleFor(r => r.Route).NotEmpty().Route();
        RuleFor(r => r.Frequency).Text(100);
        RuleFor(r => r.Quantity).NotNull().Quantity();
        RuleFor(r => r.QuantityUnit).Text(30);
        RuleFor(r => r.Refills).Refills();
        RuleFor(r => r.Instructions).MaximumLength(2000);
    }
}
