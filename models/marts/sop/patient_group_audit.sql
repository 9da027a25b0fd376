-- One row per non-deleted customer: its groups, status, expected status, every
-- fact of sop-rules.md and its number of rule hits. No personal data.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hit_counts as (

    select customer_id, count(*) as hit_count
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
        facts.group_count,
        facts.expected_status,
        facts.status_matches_groups,
        {%- for group_name, column in catalogue_group_columns() %}
        facts.{{ column }},
        {%- endfor %}
        facts.has_unknown_group,
        facts.created_date,
        facts.entered_group_date,
        facts.days_in_group,
        facts.three_months_before_date,
        facts.therapy_attended,
        facts.first_therapy_attended_date,
        facts.last_therapy_attended_date,
        facts.therapy_offers,
        facts.last_therapy_offer_date,
        facts.group_attended,
        facts.group_start_date,
        facts.icbt_started,
        facts.last_engagement_date,
        facts.began_treatment,
        facts.chase_attempts,
        facts.graduated_formally,
        facts.group_programme_finished,
        facts.referral_date,
        facts.end_requested,
        facts.triage_outcome,
        facts.is_test_like,
        facts.is_commissioner,
        facts.is_commissioner_by_domain,
        facts.has_commissioner_warning,
        facts.booked_past_count,
        facts.earliest_booked_past_date,
        coalesce(hit_counts.hit_count, 0) as hit_count
    from facts
    left join hit_counts
        on facts.customer_id = hit_counts.customer_id

)

select * from final
