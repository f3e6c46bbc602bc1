using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Practices.Settings;

public sealed record Request(bool? RequireMfa);

public sealed record Response(Guid Id, string Name, bool RequireMfa);

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.RequireMfa).NotNull().WithMessage("Send requireMfa: true or false.");
}
