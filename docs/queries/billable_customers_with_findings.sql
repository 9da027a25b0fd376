-- Customers billable in the latest month who carry open SOP findings: check
-- their group before the invoice goes out. One row per customer, with the
-- rules that hit (worklist order); the worklist has the detail and the action.
select
    activity.activity_month,
    activity.customer_id,
    activity.group_names,
    activity.customer_status,
    activity.attended_appointments,
    activity.icbt_modules_started,
    count(*) as open_findings,
    string_agg(violations.rule_id, ', ' order by violations.rule_order) as rule_ids
from juvonno_invoicing.fct_customer_monthly_activity as activity
inner join juvonno_sop.sop_violations as violations
    on activity.customer_id = violations.customer_id
where
    activity.is_billable
    and activity.activity_month = (
        select max(activity_month) from juvonno_invoicing.fct_customer_monthly_activity
    )
group by
    activity.activity_month,
    activity.customer_id,
    activity.group_names,
    activity.customer_status,
    activity.attended_appointments,
    activity.icbt_modules_started
order by activity.customer_id;
