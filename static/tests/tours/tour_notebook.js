/**
 * Steps that open a page of a form's notebook and wait until it is seen.
 *
 * A notebook page fades in: the notebook takes `show` off the pane when a tab
 * is clicked and puts it back after rendering, and the pane's opacity then
 * rises from 0 over Bootstrap's transition. The tour engine counts an element
 * of opacity 0 as unseen and looks again only when the DOM changes, which the
 * end of a transition does not do: a step that looks at the pane in that
 * instant waits until its timeout. These steps wait for the shown pane first.
 */

const PANE_WAIT_MS = 5000;
const PANE_POLL_MS = 20;

function paneOf(tab) {
    return tab
        .closest(".o_notebook")
        .querySelector(":scope > .o_notebook_content > .tab-pane");
}

function paneShown(pane) {
    return pane.classList.contains("show") && getComputedStyle(pane).opacity === "1";
}

export async function waitForShownPane(tab) {
    const pane = paneOf(tab);
    const deadline = Date.now() + PANE_WAIT_MS;
    while (!paneShown(pane)) {
        if (Date.now() > deadline) {
            throw new Error(
                `the page of the tab "${tab.textContent.trim()}" was not shown`
            );
        }
        await new Promise((resolve) => setTimeout(resolve, PANE_POLL_MS));
    }
}

export function openNotebookPage(label, container = ".o_form_view") {
    const tab = `${container} .o_notebook .nav-link`;
    return [
        {
            content: `Open the page "${label}"`,
            trigger: `${tab}:contains('${label}')`,
            run: "click",
        },
        {
            content: `The page "${label}" is shown`,
            trigger: `${tab}.active:contains('${label}')`,
            async run() {
                await waitForShownPane(this.anchor);
            },
        },
    ];
}
