using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Appointments.ChangeStatus;

/// <summary>Reason is for cancel only.</summary>
public sealed record Request
{
    public Guid Id { get; init; }
    public string? Reason { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.Reason).MaximumLength(500);
}

/// <summary>The appointment state machine: which status each action needs and which it leads to.</summary>
public static class Transitions
{
    public static readonly IReadOnlyDictionary<string, (string[] From, string To, string Event)> ByAction = new Dictionary<string, (string[], string, string)>
    {
        ["check-in"] = (["scheduled"], "checked_in", "appointment.checked_in"),
        ["complete"] = (["checked_in"], "completed", "appointment.completed"),
        ["no-show"] = (["scheduled"], "no_show", "appointment.no_show"),
        ["cancel"] = (["scheduled", "checked_in"], "cancelled", "appointment.cancelled"),
    };
}
