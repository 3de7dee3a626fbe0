"""The account menu in the header (spec 4.5), the log-in / sign-up forms and the Account dialog."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from nicegui import ui

from liab import logs
from liab.errors import LiabError
from liab.services import auth, billing, library
from liab.services.auth import AuthResult
from liab.web import ratelimit
from liab.web.bridge import as_user, in_session
from liab.web.components.dialogs import confirm, dismiss, form_error, page_dialog
from liab.web.projects_dialog import show_projects
from liab.web.upgrade import show_upgrade

if TYPE_CHECKING:
    from liab.web.home import Workspace

OnSignedIn = Callable[[AuthResult], Awaitable[None]]


class AccountMenu:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        user = workspace.visitor.user
        if user is None:
            ui.button('Log in / Sign up', icon='person', on_click=self.open_auth) \
                .props('unelevated no-caps').mark('account-login')
            return
        with ui.button().props(f'round unelevated aria-label="Account menu for {_attr(user.email)}"') \
                .classes('liab-avatar').mark('account-avatar'):
            ui.label(user.email[:1].upper()).classes('liab-avatar__letter').mark('avatar-letter')
            with ui.menu().classes('liab-menu').mark('account-menu'):
                ui.label(user.email).classes('liab-menu__email').mark('menu-email')
                ui.label('Pro plan' if user.plan == 'pro' else 'Free plan').classes('liab-menu__plan')
                ui.separator()
                ui.menu_item('Account', self.open_account).mark('menu-account')
                ui.menu_item('Manage projects', lambda: show_projects(workspace)).mark('menu-projects')
                ui.menu_item('Save project', self.save_project).mark('menu-save')
                if user.plan != 'pro':
                    ui.menu_item('Upgrade to Pro', lambda: show_upgrade(None, token=self.token)).mark('menu-upgrade')
                elif user.subscription_status:
                    ui.menu_item('Manage subscription', self.manage_subscription).mark('menu-subscription')
                ui.separator()
                ui.menu_item('Log out', self.log_out).mark('menu-logout')

    @property
    def token(self) -> str | None:
        return self.workspace.visitor.token

    async def manage_subscription(self) -> None:
        try:
            with logs.action('billing_portal'):
                url = await as_user(billing.portal_url, token=self.token, write=False)
        except LiabError as exc:
            ui.notify(exc.message, type='negative')
            return
        ui.navigate.to(url)  # Stripe's page

    def open_auth(self) -> None:
        with page_dialog() as dialog, ui.card().classes('liab-dialog liab-auth').mark('auth-dialog'):
            auth_forms(self._signed_in)
        dialog.open()

    async def _signed_in(self, result: AuthResult) -> None:
        adopted = await in_session(library.adopt_browser_project, write=True,
                                   browser_id=self.workspace.visitor.browser_id, user_id=result.user.id)
        self.workspace.visitor.remember(result.token, adopted)
        ui.navigate.reload()  # the page comes back logged in; the dialog goes with the old page

    async def save_project(self) -> None:
        user = self.workspace.visitor.user
        assert user is not None
        project = await self.workspace.change('save_project', library.save_project, user_id=user.id)
        if project:
            self.workspace.show_project(project)
            ui.notify(f'Saved as "{project.name}".', type='positive')

    async def log_out(self) -> None:
        with logs.action('log_out'):
            self.workspace.visitor.forget()
        ui.notify('Logged out.')
        ui.navigate.to('/')

    def open_account(self) -> None:
        user = self.workspace.visitor.user
        assert user is not None
        token = self.workspace.visitor.token
        with page_dialog() as dialog, ui.card().classes('liab-dialog liab-account-dialog').mark('account-dialog'):
            with ui.row(align_items='center').classes('w-full'):
                ui.label('Account').classes('liab-dialog__title')
                ui.space()
                ui.button(icon='close', on_click=lambda: dismiss(dialog)).props('flat round').mark('account-close')
            ui.label(user.email).classes('liab-dialog__text')
            with ui.row(align_items='center'):
                ui.label('Pro plan: unlimited projects and releases.' if user.plan == 'pro' else
                         'Free plan: one saved project, one release a day.').mark('account-plan')
                if user.plan != 'pro':
                    ui.button('Upgrade to Pro', on_click=lambda: show_upgrade(None, token=token)) \
                        .props('flat no-caps').mark('account-upgrade')
                elif user.subscription_status:
                    ui.button('Manage subscription', on_click=self.manage_subscription).props('flat no-caps') \
                        .mark('account-subscription')

            ui.label('Change password').classes('liab-dialog__kicker')
            current = _password('Current password').mark('current-password')
            new = _password('New password (8 to 128 characters)').mark('new-password')
            changed = form_error()

            async def change_password() -> None:
                changed.text = ''
                try:
                    result = await as_user(auth.change_password, token=token, current=current.value, new=new.value)
                except LiabError as exc:
                    changed.text = exc.message
                    return
                self.workspace.visitor.remember(result.token)
                current.value = new.value = ''
                ui.notify('Password changed. Every other device is logged out.', type='positive')

            new.on('keydown.enter', change_password)
            ui.button('Change password', on_click=change_password).props('outline no-caps').mark('change-password')

            ui.label('Sessions').classes('liab-dialog__kicker')
            ui.button('Log out everywhere', icon='logout', on_click=self.log_out_everywhere) \
                .props('outline no-caps').mark('logout-everywhere')

            ui.label('Delete account').classes('liab-dialog__kicker')
            ui.label('Deletes your account, every project and every file in them. This cannot be undone.') \
                .classes('liab-dialog__note')
            confirm_password = _password('Your password, to confirm').mark('delete-password')
            deleted = form_error()

            async def delete_account() -> None:
                deleted.text = ''
                if not await confirm('Delete your account?', 'Every project and file goes with it. '
                                     'There is no undo.', ok='Delete account', danger=True):
                    return
                try:
                    await as_user(billing.delete_account, token=token, password=confirm_password.value)
                except LiabError as exc:
                    deleted.text = exc.message
                    return
                self.workspace.visitor.forget()
                ui.notify('Your account and its projects are deleted.')
                ui.navigate.to('/')

            ui.button('Delete account', icon='delete_forever', on_click=delete_account) \
                .props('outline no-caps color=negative').mark('delete-account')
        dialog.open()

    async def log_out_everywhere(self) -> None:
        if not await confirm('Log out everywhere?', 'Every browser and app signed in to this account is logged out, '
                             'this one too.', ok='Log out everywhere'):
            return
        try:
            with logs.action('log_out_everywhere'):
                await as_user(auth.log_out_everywhere, token=self.workspace.visitor.token)
        except LiabError as exc:
            ui.notify(exc.message, type='negative')
        self.workspace.visitor.forget()
        ui.notify('Logged out everywhere.')
        ui.navigate.to('/')


def auth_forms(on_signed_in: OnSignedIn) -> None:
    """Log in and Sign up side by side as tabs, with errors shown under the form."""
    with ui.tabs().classes('w-full') as tabs:
        login_tab = ui.tab('Log in').mark('tab-login')
        signup_tab = ui.tab('Sign up').mark('tab-signup')
    with ui.tab_panels(tabs, value=login_tab).classes('w-full liab-auth__panels'):
        with ui.tab_panel(login_tab):
            _form('login', 'Log in', auth.log_in, on_signed_in)
            ui.link('Forgot your password?', '/forgot-password').classes('liab-auth__forgot').mark('forgot-link')
        with ui.tab_panel(signup_tab):
            _form('signup', 'Create account', auth.sign_up, on_signed_in)


def _form(kind: str, label: str, service: Callable[..., AuthResult], on_signed_in: OnSignedIn) -> None:
    email = ui.input('E-mail').props('type=email autocomplete=email maxlength=320').classes('w-full') \
        .mark(f'{kind}-email')
    password = _password('Password' if kind == 'login' else 'Password (8 to 128 characters)') \
        .props(f'autocomplete={"current-password" if kind == "login" else "new-password"}').mark(f'{kind}-password')
    error = form_error().mark(f'{kind}-error')

    async def submit() -> None:
        error.text = ''
        button.props('loading')
        try:
            with logs.action(kind):
                ratelimit.limits().check_login(_address())
                result = await in_session(service, write=True, email=email.value or '', password=password.value or '')
            if kind == 'signup':
                await in_session(billing.after_sign_up, write=True, user_id=result.user.id)
        except LiabError as exc:
            error.text = exc.message
            return
        finally:
            button.props(remove='loading')
        await on_signed_in(result)

    for field in (email, password):
        field.on('keydown.enter', submit)
    button = ui.button(label, on_click=submit).props('unelevated no-caps').classes('w-full').mark(f'{kind}-submit')


def _address() -> str | None:
    request = getattr(ui.context.client, 'request', None)
    return request.client.host if request is not None and request.client is not None else None


def _password(label: str) -> ui.input:
    return ui.input(label, password=True, password_toggle_button=True).props('maxlength=1024').classes('w-full')


def _attr(text: str) -> str:
    return text.replace('"', '').replace('\\', '')
