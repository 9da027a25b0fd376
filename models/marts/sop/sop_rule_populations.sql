-- One row per rule of the sop_rules seed: its hits, its population (the
-- customers the rule applies to: its denominator), the hit percentage, the
-- threshold and the status pass / fail / not_applicable (population empty),
-- as in the OHDSI Data Quality Dashboard. The seed's `population` column names
-- one of the populations below; a key not listed here has population NULL and
-- fails the `populations_are_known` test. No personal data: counts only.

{%- set populations = [
    ('all_customers', 'true'),
    ('in_triage', 'facts.in_triage'),
    ('in_therapy', 'facts.in_therapy'),
    ('in_icbt', 'facts.in_icbt'),
    ('in_group_therapy', 'facts.in_group_therapy'),
    ('in_parent_contact', 'facts.in_parent_contact'),
    ('in_sandbox', 'facts.in_sandbox'),
    ('in_discharged', 'facts.in_discharged'),
    ('in_graduated', 'facts.in_graduated'),
    ('in_pt_requested_end_of_services', 'facts.in_pt_requested_end_of_services'),
    ('in_referred_to_external_services', 'facts.in_referred_to_external_services'),
    ('test_like', 'facts.is_test_like'),
    ('commissioner_by_domain', 'facts.is_commissioner_by_domain'),
    ('in_group_with_sop_status', 'status_groups.customer_id is not null'),
    ('with_past_appointment', 'past_appointments.customer_id is not null'),
] %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

sop_rules as (

    select * from {{ ref('sop_rules') }}

),

violations as (

    select * from {{ ref('sop_violations') }}

),

-- customers with a membership of a group the catalogue gives a status (SOP-110)
status_groups as (

    select distinct customer_id
    from {{ ref('int_customer_group_memberships') }}
    where sop_status is not null

),

-- customers with an appointment dated before D, whatever its outcome (DQ-01)
past_appointments as (

    select distinct customer_id
    from {{ ref('stg_juvonno__appointments') }}
    where start_date < {{ as_of_date() }}

),

customer_populations as (

    select
        facts.customer_id,
        -- noqa: disable=LT02
        {%- for key, condition in populations %}
        case when {{ condition }} then 1 else 0 end as {{ key }}{{ ',' if not loop.last }}
        {%- endfor %}
    -- noqa: enable=LT02
    from facts
    left join status_groups
        on facts.customer_id = status_groups.customer_id
    left join past_appointments
        on facts.customer_id = past_appointments.customer_id

),

population_sizes as (

    {%- for key, condition in populations %}
    select
        '{{ key }}' as population,
        coalesce(sum({{ key }}), 0) as population_size
    from customer_populations
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

hit_counts as (

    select
        rule_id,
        count(*) as hits
    from violations
    group by rule_id

),

measured as (

    select
        sop_rules.rule_id,
        sop_rules.rule_order,
        sop_rules.kahn_category,
        sop_rules.population,
        population_sizes.population_size,
        coalesce(hit_counts.hits, 0) as hits,
        sop_rules.threshold_pct
    from sop_rules
    left join population_sizes
        on sop_rules.population = population_sizes.population
    left join hit_counts
        on sop_rules.rule_id = hit_counts.rule_id

),

final as (

    select
        rule_id,
        rule_order,
        kahn_category,
        population,
        cast(population_size as bigint) as population_size,
        cast(hits as bigint) as hits,
        case
            when population_size > 0
                -- rounded as numeric (PostgreSQL rounds no double), read as a double everywhere
                then cast(
                        round(
                            cast(100.0 * hits / population_size as {{ dbt.type_numeric() }}), 2
                        ) as {{ double_type() }}
                    )
        end as hit_pct,
        threshold_pct,
        case
            when population_size is null or population_size = 0 then 'not_applicable'
            when 100.0 * hits <= threshold_pct * population_size then 'pass'
            else 'fail'
        end as status,
        {{ as_of_date() }} as as_of_date
    from measured

)

select * from final
