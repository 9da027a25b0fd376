-- The findings of as-of date D with their lifecycle, for the worklist and for
-- analysts: one row per current finding (status new or persisting) and one per
-- finding resolved since the previous run (hit by the previous run, not by this
-- one). Each names its owner (int_customer_owners) and, when a valid exception
-- of seeds/sop_exceptions.csv applies on D, its acknowledgement. No personal data.

with

history as (

    select * from {{ ref('sop_findings_history') }}

),

earlier_runs as (

    {{ earlier_run_dates(ref('sop_findings_history')) }}

),

previous_run as (

    select max(as_of_date) as as_of_date from earlier_runs

),

current_findings as (

    select
        customer_id,
        chart_num,
        rule_id,
        rule_order,
        rule_title,
        severity,
        group_name,
        expected_group,
        detail,
        action,
        status,
        first_seen,
        as_of_date as last_seen
    from history
    where as_of_date = {{ as_of_date() }}

),

resolved_findings as (

    select
        previous.customer_id,
        previous.chart_num,
        previous.rule_id,
        previous.rule_order,
        previous.rule_title,
        previous.severity,
        previous.group_name,
        previous.expected_group,
        previous.detail,
        previous.action,
        'resolved' as status,
        previous.first_seen,
        previous.as_of_date as last_seen
    from history as previous
    inner join previous_run
        on previous.as_of_date = previous_run.as_of_date
    left join current_findings
        on previous.customer_id = current_findings.customer_id
        and previous.rule_id = current_findings.rule_id
    where current_findings.customer_id is null

),

findings as (

    select * from current_findings
    union all
    select * from resolved_findings

),

-- A valid exception applies from agreed_on through expires_on; an invalid one
-- (tests/sop_exceptions fails the run) never hides a finding.
exceptions as (

    select
        customer_id,
        rule_id,
        reason,
        agreed_by,
        agreed_on,
        expires_on,
        row_number() over (
            partition by customer_id, rule_id
            order by expires_on desc, agreed_on desc
        ) as exception_rank
    from {{ ref('sop_exceptions') }}
    where reason is not null
        and trim(reason) <> ''
        and agreed_on <= {{ as_of_date() }}
        and expires_on >= {{ as_of_date() }}
        and {{ days_between('agreed_on', 'expires_on') }} <= 180

),

owners as (

    select * from {{ ref('int_customer_owners') }}

),

final as (

    select
        findings.customer_id,
        findings.chart_num,
        findings.rule_id,
        findings.rule_order,
        findings.rule_title,
        findings.severity,
        findings.group_name,
        findings.expected_group,
        findings.detail,
        findings.action,
        findings.status,
        findings.first_seen,
        findings.last_seen,
        cast({{ days_between('findings.first_seen', 'findings.last_seen') }} as bigint) as days_open,  -- noqa: LT05
        findings.status <> 'resolved' and exceptions.customer_id is not null as is_acknowledged,
        case when findings.status <> 'resolved' then exceptions.expires_on end as acknowledged_until,
        case when findings.status <> 'resolved' then exceptions.reason end as exception_reason,
        case when findings.status <> 'resolved' then exceptions.agreed_by end as exception_agreed_by,
        case when findings.status <> 'resolved' then exceptions.agreed_on end as exception_agreed_on,
        owners.owner_staff_id,
        owners.owner_role,
        {{ as_of_date() }} as as_of_date
    from findings
    left join exceptions
        on findings.customer_id = exceptions.customer_id
        and findings.rule_id = exceptions.rule_id
        and exceptions.exception_rank = 1
    left join owners
        on findings.customer_id = owners.customer_id

)

select * from final
