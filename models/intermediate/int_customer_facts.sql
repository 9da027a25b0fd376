-- One row per non-deleted customer with every fact of sop-rules.md's "Facts per
-- customer" table as of D. Booleans are never NULL, counts never NULL. Rules and
-- the patient_group_audit mart read this model only (plus the memberships for
-- per-membership rules), so each rule is a filter on one row per customer.
-- The customers come from a table (int_customers_not_deleted), not filtered
-- staging: with their true row count DuckDB probes the seven joins in one pipeline,
-- which spills beyond memory_limit (a 5M-customer export within 2 GB).

with

customers as (

    select * from {{ ref('int_customers_not_deleted') }}

),

groups as (

    select * from {{ ref('int_customer_groups') }}

),

entered as (

    select
        customer_id,
        entered_group_date
    from {{ ref('int_customer_entered_group') }}

),

appointment_facts as (

    select * from {{ ref('int_appointment_facts') }}

),

icbt_facts as (

    select * from {{ ref('int_icbt_facts') }}

),

encounter_facts as (

    select * from {{ ref('int_encounter_facts') }}

),

engagement as (

    select * from {{ ref('int_customer_engagement') }}

),

account_flags as (

    select * from {{ ref('int_account_flags') }}

),

joined as (

    select
        customers.customer_id,
        customers.chart_num,
        customers.status,
        customers.created_date,
        {{ as_of_date() }} as as_of_date,
        {{ three_months_before() }} as three_months_before_date,

        ----------  groups
        coalesce(groups.group_names, 'No Group') as group_names,
        coalesce(groups.group_count, 0) as group_count,
        coalesce(groups.has_unknown_group, false) as has_unknown_group,
        groups.unknown_group_names,
        groups.expected_status,
        coalesce(groups.status_mismatch_count, 0) = 0 as status_matches_groups,
        {%- for group_name, column in catalogue_group_columns() %}
        coalesce(groups.{{ column }}, {{ 'true' if column == 'in_no_group' else 'false' }}) as {{ column }},
        {%- endfor %}
        coalesce(entered.entered_group_date, customers.created_date) as entered_group_date,

        ----------  appointments
        coalesce(appointment_facts.therapy_attended, 0) as therapy_attended,
        appointment_facts.first_therapy_attended_date,
        appointment_facts.last_therapy_attended_date,
        coalesce(appointment_facts.therapy_offers, 0) as therapy_offers,
        appointment_facts.last_therapy_offer_date,
        coalesce(appointment_facts.group_attended, 0) as group_attended,
        appointment_facts.group_start_date,
        coalesce(appointment_facts.group_programme_finished, false) as group_programme_finished,
        coalesce(appointment_facts.booked_past_count, 0) as booked_past_count,
        appointment_facts.earliest_booked_past_date,

        ----------  iCBT
        coalesce(icbt_facts.icbt_started, 0) as icbt_started,

        ----------  engagement and chasing
        engagement.last_engagement_date,
        coalesce(engagement.chase_attempts, 0) as chase_attempts,
        coalesce(engagement.chase_since_date, customers.created_date) as chase_since_date,

        ----------  encounters
        coalesce(encounter_facts.graduated_formally, false) as graduated_formally,
        encounter_facts.referral_date,
        coalesce(encounter_facts.end_requested, false) as end_requested,
        encounter_facts.triage_outcome,

        ----------  account
        coalesce(account_flags.is_test_like, false) as is_test_like,
        coalesce(account_flags.is_commissioner, false) as is_commissioner,
        coalesce(account_flags.is_commissioner_by_domain, false) as is_commissioner_by_domain,
        coalesce(account_flags.has_commissioner_warning, false) as has_commissioner_warning

    from customers
    left join groups
        on customers.customer_id = groups.customer_id
    left join entered
        on customers.customer_id = entered.customer_id
    left join appointment_facts
        on customers.customer_id = appointment_facts.customer_id
    left join icbt_facts
        on customers.customer_id = icbt_facts.customer_id
    left join encounter_facts
        on customers.customer_id = encounter_facts.customer_id
    left join engagement
        on customers.customer_id = engagement.customer_id
    left join account_flags
        on customers.customer_id = account_flags.customer_id

),

final as (

    select
        *,
        {{ days_between('entered_group_date', 'as_of_date') }} as days_in_group,  -- noqa: LT05
        (therapy_attended >= 1 or group_attended >= 1 or icbt_started >= 1) as began_treatment
    from joined

)

select * from final
