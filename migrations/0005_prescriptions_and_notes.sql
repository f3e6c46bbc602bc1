-- Prescriptions and clinical notes: drafts change freely; once signed, their content is locked in the
-- database itself, so no code path can alter what a clinician signed.

CREATE TABLE prescriptions (
    practice_id        uuid NOT NULL REFERENCES practices (id),
    id                 uuid NOT NULL,
    patient_id         uuid NOT NULL,
    prescriber_id      uuid NOT NULL,
    medication_name    text NOT NULL CHECK (length(medication_name) BETWEEN 1 AND 200),
    medication_code    text CHECK (length(medication_code) <= 50),
    dose               text NOT NULL CHECK (length(dose) BETWEEN 1 AND 100),
    route              text NOT NULL CHECK (route IN ('oral', 'sublingual', 'topical', 'inhaled', 'intravenous', 'intramuscular', 'subcutaneous', 'rectal', 'other')),
    frequency          text NOT NULL CHECK (length(frequency) BETWEEN 1 AND 100),
    quantity           numeric(10, 2) NOT NULL CHECK (quantity > 0),
    quantity_unit      text NOT NULL CHECK (length(quantity_unit) BETWEEN 1 AND 30),
    refills            int NOT NULL DEFAULT 0 CHECK (refills BETWEEN 0 AND 12),
    instructions       text CHECK (length(instructions) <= 2000),
    status             text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed', 'discontinued')),
    signed_at          timestamptz,
    discontinued_at    timestamptz,
    discontinue_reason text CHECK (length(discontinue_reason) <= 500),
    version            int NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, id),
    FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
    FOREIGN KEY (practice_id, prescriber_id) REFERENCES users (practice_id, id)
);
CREATE INDEX prescriptions_patient ON prescriptions (practice_id, patient_id, created_at);

CREATE FUNCTION refuse_signed_prescription_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND (NEW.patient_id, NEW.prescriber_id, NEW.medication_name, NEW.medication_code, NEW.dose, NEW.route,
        NEW.frequency, NEW.quantity, NEW.quantity_unit, NEW.refills, NEW.instructions, NEW.signed_at)
        IS DISTINCT FROM (OLD.patient_id, OLD.prescriber_id, OLD.medication_name, OLD.medication_code, OLD.dose, OLD.route,
        OLD.frequency, OLD.quantity, OLD.quantity_unit, OLD.refills, OLD.instructions, OLD.signed_at) THEN
        RAISE EXCEPTION 'a signed prescription cannot change' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER prescriptions_signed_are_immutable BEFORE UPDATE ON prescriptions FOR EACH ROW EXECUTE FUNCTION refuse_signed_prescription_change();

CREATE TABLE clinical_notes (
    practice_id uuid NOT NULL REFERENCES practices (id),
    id          uuid NOT NULL,
    patient_id  uuid NOT NULL,
    author_id   uuid NOT NULL,
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    amends_id   uuid,
    status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    signed_at   timestamptz,
    version     int NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, id),
    FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
    FOREIGN KEY (practice_id, author_id) REFERENCES users (practice_id, id),
    FOREIGN KEY (practice_id, amends_id) REFERENCES clinical_notes (practice_id, id)
);
CREATE INDEX clinical_notes_patient ON clinical_notes (practice_id, patient_id, created_at);

CREATE FUNCTION refuse_signed_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'a signed note cannot change; add an addendum' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER clinical_notes_signed_are_immutable BEFORE UPDATE ON clinical_notes FOR EACH ROW EXECUTE FUNCTION refuse_signed_note_change();

-- Clinical records are retained, never deleted.
REVOKE DELETE, TRUNCATE ON prescriptions, clinical_notes FROM slices_app;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['prescriptions', 'clinical_notes'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (practice_id = current_tenant()) WITH CHECK (practice_id = current_tenant())', t);
    END LOOP;
END
$$;
