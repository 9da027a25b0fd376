-- One row per non-deleted customer: its groups, status, expected status, every
-- fact of sop-rules.md and its number of rule hits. No personal data.
-- Counts are cast to bigint: the contract's type on every engine (DuckDB's sum
-- is a hugeint, PostgreSQL's date difference an integer).

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hit_counts as (

    select
        customer_id,
        count(*) as hit_count
    from {{ ref('sop_violations') }}
    group by customer_id

),

final as (

    select
        facts.customer_id,
        facts.chart_num,
        facts.as_of_date,
        facts.status,
        facts.group_names,
        cast(facts.group_count as bigint) as group_count,
        facts.expected_status,
        facts.status_matches_groups,
        {%- for group_name, column in catalogue_group_columns() %}
        facts.{{ column }},
        {%- endfor %}
        facts.has_unknown_group,
        facts.created_date,
        facts.entered_group_date,
        cast(facts.days_in_group as bigint) as days_in_group,
        facts.three_months_before_date,
        cast(facts.therapy_attended as bigint) as therapy_attended,
        facts.first_therapy_attended_date,
        facts.last_therapy_attended_date,
        cast(facts.therapy_offers as bigint) as therapy_offers,
        facts.last_therapy_offer_date,
        cast(facts.group_attended as bigint) as group_attended,
        facts.group_start_date,
        cast(facts.icbt_started as bigint) as icbt_started,
        facts.last_engagement_date,
        facts.began_treatment,
        cast(facts.chase_attempts as bigint) as chase_attempts,
        facts.graduated_formally,
        facts.group_programme_finished,
        facts.referral_date,
        facts.end_requested,
        facts.triage_outcome,
        facts.is_test_like,
        facts.is_commissioner,
        facts.is_commissioner_by_domain,
        facts.has_commissioner_warning,
        cast(facts.booked_past_count as bigint) as booked_past_count,
        facts.earliest_booked_past_date,
        cast(coalesce(hit_counts.hit_count, 0) as bigint) as hit_count
    from facts
    left join hit_counts
        on facts.customer_id = hit_counts.customer_id

)

select * from final
