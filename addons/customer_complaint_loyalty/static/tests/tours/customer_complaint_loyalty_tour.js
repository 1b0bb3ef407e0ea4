import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("customer_complaint_loyalty_coupon_tour", {
    steps: () => [
        {
            content: "Open the compensations of the complaint",
            trigger: ".o_form_view .oe_stat_button:contains('Compensation')",
            run: "click",
        },
        {
            content: "Propose a new compensation",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "A coupon",
            trigger: ".o_field_widget[name=compensation_type] select",
            run: 'select "coupon"',
        },
        {
            content: "Search the coupon program",
            trigger: ".o_field_widget[name=coupon_program_id] input",
            run: "edit Tour Apology",
        },
        {
            content: "Choose the coupon program",
            trigger:
                ".o-autocomplete--dropdown-item a:contains('Tour Apology Coupons')",
            run: "click",
        },
        {
            content: "Amount above the approval threshold",
            trigger: ".o_field_widget[name=amount] input",
            run: "edit 600",
        },
        {
            content: "Reason",
            trigger: ".o_field_widget[name=note] textarea",
            run: "edit Broken on arrival: a coupon for the next order.",
        },
        {
            content: "The coupon holds the amount in points",
            trigger: ".o_field_widget[name=coupon_points]:contains('1,200')",
        },
        {
            content: "Propose it",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            content: "It waits for a manager's approval",
            trigger:
                ".o_statusbar_status .o_arrow_button_current:contains('To Approve')",
        },
    ],
});
